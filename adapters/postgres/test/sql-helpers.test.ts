// The pure helpers of @kasa/adapter-postgres, table by table: the URL mask, migration key checks, the
// SQLSTATE reader and sql-pg's parameter types; and layerSql refusing an unusable URL without
// printing its password (SPEC §5).
import { describe, expect, test } from "bun:test"
import { Cause, Effect, Exit, Layer } from "effect"
import { SqlError, UniqueViolation, UnknownError } from "effect/sql/SqlError"
import { classifyPgError, isUniqueViolation, layerSql, maskDatabaseUrl, migrationKeyProblems, sqlErrorCode } from "../src/index.ts"
import { pgParameterTypes } from "../src/pg-parameter-types.ts"

describe("maskDatabaseUrl", () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ["postgres://kasa:s3cret@db:5432/kasa", "postgres://kasa:***@db:5432/kasa"],
    ["postgres://kasa@db/kasa", "postgres://kasa@db/kasa"],
    ["postgres://kasa@db/kasa?password=s3cret&sslmode=require", "postgres://kasa@db/kasa?password=***&sslmode=require"],
    ["not a url s3cret", "(a DATABASE_URL that is not a valid URL)"]
  ]
  for (const [url, masked] of cases) test(masked, () => expect(maskDatabaseUrl(url)).toBe(masked))
})

describe("migrationKeyProblems", () => {
  const cases: ReadonlyArray<readonly [ReadonlyArray<string>, number]> = [
    [["0001_create", "0002_add"], 0],
    [["create"], 1],
    [["0001_create", "1_again"], 1],
    [["0001_a", "x", "0001_b"], 2]
  ]
  for (const [keys, count] of cases) test(keys.join(", "), () => expect(migrationKeyProblems(keys).length).toBe(count))
})

describe("sqlErrorCode", () => {
  const driverError = Object.assign(new Error("duplicate key"), { code: "23505", constraint: "t_pkey" })
  const cases: ReadonlyArray<readonly [string, unknown, string | undefined]> = [
    ["a classified driver error", classifyPgError(driverError, "execute"), "23505"],
    ["the driver error itself", driverError, "23505"],
    ["a SqlError without a code", new SqlError({ reason: new UnknownError({ cause: new Error("x") }) }), undefined],
    ["a node error code is not a SQLSTATE", Object.assign(new Error("refused"), { code: "ECONNREFUSED" }), undefined],
    ["an errno name is not a SQLSTATE", Object.assign(new Error("pipe"), { code: "EPIPE" }), undefined],
    ["nothing", undefined, undefined]
  ]
  for (const [name, error, code] of cases) test(name, () => expect(sqlErrorCode(error)).toBe(code))
  test("a unique violation keeps its constraint", () => {
    const error = classifyPgError(driverError, "execute")
    expect(error.reason).toBeInstanceOf(UniqueViolation)
    expect((error.reason as UniqueViolation).constraint).toBe("t_pkey")
    expect(isUniqueViolation(error)).toBe(true)
  })
})

describe("pgParameterTypes (as @effect/sql-pg infers them)", () => {
  const cases: ReadonlyArray<readonly [string, ReadonlyArray<unknown>, Array<number> | undefined]> = [
    ["strings and nulls are left to the server", ["a", null], undefined],
    ["boolean, int4, int8, float8", [true, 1, 2 ** 40, 1.5], [16, 23, 20, 701]],
    ["bigint, Date, bytes", [1n, new Date(0), new Uint8Array(1)], [20, 1184, 17]],
    ["arrays name their element type", [[1, 2], ["a"], []], [1007, 1009, 0]]
  ]
  for (const [name, params, types] of cases) test(name, () => expect(pgParameterTypes(params)).toEqual(types))
  test("a plain object is refused", () => expect(() => pgParameterTypes([{ a: 1 }])).toThrow("Cannot infer"))
})

describe("layerSql with an unusable DATABASE_URL", () => {
  const cases = ["postgres://kasa:s3cretPW@127.0.0.1:1/kasa", "postgres://kasa:s3cretPW@[bad/kasa", "postgres://kasa@127.0.0.1:1/kasa?password=s3cretPW"]
  for (const url of cases) {
    test(`fails at start without the password: ${maskDatabaseUrl(url)}`, async () => {
      const exit = await Effect.runPromiseExit(Effect.scoped(Layer.build(layerSql({ databaseUrl: url }))))
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) {
        expect(Cause.pretty(exit.cause)).not.toContain("s3cretPW")
        expect(JSON.stringify(exit)).not.toContain("s3cretPW")
        expect(String(Cause.squash(exit.cause))).toContain("is not usable")
      }
    })
  }
})
