// /health/ready of an app whose relay and consumers run in a background thread: the two threads'
// check results read as one list, as if they ran in one.
import { describe, expect, test } from "bun:test"
import { type CheckResult, mergeResults } from "../src/health.ts"

const ok = (name: string): CheckResult => ({ name, ok: true })
const failing = (name: string, error: string): CheckResult => ({ name, ok: false, error })

describe("mergeResults", () => {
  test.each<[string, ReadonlyArray<CheckResult>, ReadonlyArray<CheckResult>, ReadonlyArray<CheckResult>]>([
    ["the other thread's own checks follow this one's", [ok("kafka"), ok("redis")], [ok("kafka"), ok("redis"), ok("consumer g"), ok("outbox")], [ok("kafka"), ok("redis"), ok("consumer g"), ok("outbox")]],
    ["a check both ran fails if the other thread's failed", [ok("redis")], [failing("redis", "down")], [failing("redis", "down")]],
    ["a check both ran fails if this thread's failed", [failing("redis", "down")], [ok("redis")], [failing("redis", "down")]],
    ["a failing check of the other thread only is kept", [ok("kafka")], [failing("consumer g", "rebalancing")], [ok("kafka"), failing("consumer g", "rebalancing")]]
  ])("%s", (_, own, other, merged) => {
    expect(mergeResults(own, other)).toEqual(merged)
  })
})
