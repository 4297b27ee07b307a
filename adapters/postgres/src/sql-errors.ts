/**
 * SQLSTATE codes read the same way from both backends: @effect/sql-pg puts the server's error fields
 * (with `code`) on `SqlError.reason.cause`, and the PGlite client puts PGlite's `DatabaseError` (also
 * with `code`) there, so a store asks `isUniqueViolation(error)` without knowing which database
 * answered. `classifyPgError` gives PGlite's errors the same reason classes sql-pg gives (its own
 * mapping is internal to that package).
 */
import { Predicate } from "effect"
import {
  AuthenticationError,
  AuthorizationError,
  ConnectionError,
  ConstraintError,
  DeadlockError,
  LockTimeoutError,
  SerializationError,
  SqlError,
  type SqlErrorReason,
  SqlSyntaxError,
  StatementTimeoutError,
  UniqueViolation,
  UnknownError
} from "effect/sql/SqlError"

/** Five characters with a digit in them: an errno name such as "EPIPE" is not a SQLSTATE. */
const sqlStatePattern = /^(?=.*\d)[0-9A-Z]{5}$/

const codeOf = (value: unknown): string | undefined =>
  Predicate.hasProperty(value, "code") && typeof value.code === "string" && sqlStatePattern.test(value.code) ? value.code : undefined

/** The SQLSTATE of a failure (a `SqlError`, its reason, or a driver error), e.g. "23505"; undefined when there is none. */
export const sqlErrorCode = (error: unknown): string | undefined => {
  let current: unknown = error
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    const code = codeOf(current)
    if (code !== undefined) return code
    current = Predicate.hasProperty(current, "reason") ? current.reason : Predicate.hasProperty(current, "cause") ? current.cause : undefined
  }
  return undefined
}

/** SQLSTATE 23505: a unique constraint or primary key refused the row. */
export const isUniqueViolation = (error: unknown): boolean => sqlErrorCode(error) === "23505"

interface ReasonProps {
  readonly cause: unknown
  readonly message: string
  readonly operation: string
}

const reasonFor = (code: string | undefined, constraint: unknown, props: ReasonProps): SqlErrorReason => {
  if (code === undefined) return new UnknownError(props)
  if (code.startsWith("08")) return new ConnectionError(props)
  if (code.startsWith("28")) return new AuthenticationError(props)
  if (code === "42501") return new AuthorizationError(props)
  if (code.startsWith("42")) return new SqlSyntaxError(props)
  if (code === "23505") {
    const name = typeof constraint === "string" && constraint.trim() !== "" ? constraint.trim() : "unknown"
    return new UniqueViolation({ ...props, constraint: name })
  }
  if (code.startsWith("23")) return new ConstraintError(props)
  if (code === "40P01") return new DeadlockError(props)
  if (code === "40001") return new SerializationError(props)
  if (code === "55P03") return new LockTimeoutError(props)
  if (code === "57014") return new StatementTimeoutError(props)
  return new UnknownError(props)
}

/** A driver error as the `SqlError` sql-pg would give for the same SQLSTATE. */
export const classifyPgError = (cause: unknown, operation: string): SqlError => {
  const text = cause instanceof Error ? cause.message : String(cause)
  const constraint = Predicate.hasProperty(cause, "constraint") ? cause.constraint : undefined
  return new SqlError({ reason: reasonFor(codeOf(cause), constraint, { cause, message: text, operation }) })
}
