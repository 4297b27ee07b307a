/**
 * The parameter types @effect/sql-pg binds for JavaScript values, for PGlite to bind the same: without
 * them PGlite leaves every parameter for the server to infer (a bare `${true}` comes back as the text
 * "true"), while sql-pg sends boolean as bool, bigint as int8, a Date as timestamptz, bytes as bytea, a
 * string untyped (the server infers it from the statement). A value sql-pg cannot bind (a plain
 * object: JSON must be stringified) is refused here too, so code that works embedded works on PostgreSQL.
 */
const INT32_MIN = -2147483648
const INT32_MAX = 2147483647

const OID = { bool: 16, bytea: 17, int8: 20, int4: 23, text: 25, float8: 701, timestamptz: 1184 } as const
const ARRAY_OF: Record<number, number> = { 16: 1000, 17: 1001, 20: 1016, 23: 1007, 25: 1009, 701: 1022, 1184: 1185 }

export class UnbindableParameter extends Error {}

/** [type OID (0: the server infers it), the value to bind] for one JavaScript value, as sql-pg infers them. */
const scalar = (value: unknown): readonly [number, unknown] => {
  if (value === null || value === undefined) return [0, null]
  switch (typeof value) {
    case "boolean":
      return [OID.bool, value]
    case "bigint":
      return [OID.int8, value]
    case "number":
      if (Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) return [OID.int4, value]
      if (Number.isSafeInteger(value)) return [OID.int8, BigInt(value)]
      return [OID.float8, value]
    case "string":
      return [0, value]
  }
  if (value instanceof Date) return [OID.timestamptz, value]
  if (value instanceof Uint8Array) return [OID.bytea, value]
  throw new UnbindableParameter(`Cannot infer a PostgreSQL type for ${String(value)}`)
}

const parameter = (value: unknown): readonly [number, unknown] => {
  if (!Array.isArray(value)) return scalar(value)
  if (value.length === 0) return [0, value]
  let element: number | undefined
  for (const item of value) {
    if (Array.isArray(item)) throw new UnbindableParameter("Nested array parameters are not supported")
    const [oid, bound] = scalar(item)
    if (bound === null) continue
    const named = oid === 0 ? OID.text : oid
    if (element !== undefined && element !== named) throw new UnbindableParameter("Array parameters must hold one type")
    element = named
  }
  return [element === undefined ? 0 : (ARRAY_OF[element] ?? 0), value]
}

/** The types to declare for `params`, or undefined when the server may infer every one. */
export const pgParameterTypes = (params: ReadonlyArray<unknown>): Array<number> | undefined => {
  const types = params.map((value) => parameter(value)[0])
  return types.some((oid) => oid !== 0) ? types : undefined
}
