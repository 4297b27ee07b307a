// The circuit breaker's state machine, table-driven: closed → open after N consecutive failures →
// fail fast while open → half-open (one probe) after the cool-down → closed on the probe's success,
// open again on its failure; and what late results of earlier calls do.
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { admit, type BreakerPolicy, type BreakerState, closedBreaker, makeCircuitBreaker, recordFailure, recordSuccess } from "@kasa/shared"

type Step = readonly ["admit", number, boolean] | readonly ["success"] | readonly ["failure", number]

const policy: BreakerPolicy = { failureThreshold: 3, coolDownMs: 1_000 }
const open = (openedAt: number): BreakerState => ({ status: "open", openedAt })
const halfOpen: BreakerState = { status: "half_open" }

/** Runs the steps; each admit step checks whether the call was let through. */
const play = (start: BreakerState, steps: ReadonlyArray<Step>, p: BreakerPolicy = policy): BreakerState =>
  steps.reduce((state, step, i) => {
    switch (step[0]) {
      case "admit": {
        const admission = admit(p, state, step[1])
        if (admission.allowed !== step[2]) throw new Error(`step ${i}: admit at ${step[1]} allowed=${admission.allowed}, expected ${step[2]}`)
        return admission.state
      }
      case "success":
        return recordSuccess(state)
      case "failure":
        return recordFailure(p, state, step[1])
    }
  }, start)

describe("circuit breaker", () => {
  test.each<[string, BreakerState, ReadonlyArray<Step>, BreakerState]>([
    ["closed lets calls through; failures under the threshold keep it closed", closedBreaker, [["admit", 0, true], ["failure", 0], ["admit", 1, true], ["failure", 1]], { status: "closed", failures: 2 }],
    ["a success resets the count of consecutive failures", closedBreaker, [["failure", 0], ["failure", 1], ["success"], ["failure", 2]], { status: "closed", failures: 1 }],
    ["the threshold of consecutive failures opens it", closedBreaker, [["failure", 0], ["failure", 1], ["failure", 5]], open(5)],
    ["open: calls fail fast until the cool-down has passed", open(5), [["admit", 5, false], ["admit", 500, false], ["admit", 1_004, false]], open(5)],
    ["after the cool-down one call goes out as a probe", open(5), [["admit", 1_005, true]], halfOpen],
    ["half-open: other calls fail fast while the probe is out", halfOpen, [["admit", 1_006, false], ["admit", 9_999, false]], halfOpen],
    ["the probe's success closes it", open(5), [["admit", 1_005, true], ["success"], ["admit", 1_006, true]], closedBreaker],
    ["the probe's failure opens it again, with a fresh cool-down", open(5), [["admit", 1_005, true], ["failure", 2_000], ["admit", 2_999, false], ["admit", 3_000, true]], halfOpen],
    ["closed again, it needs the threshold of failures to open anew", halfOpen, [["success"], ["failure", 10], ["failure", 11], ["admit", 12, true]], { status: "closed", failures: 2 }],
    ["a late failure while open neither extends nor reopens it", open(5), [["failure", 900], ["admit", 1_005, true]], halfOpen],
    ["a late success while open keeps it open (the probe decides)", open(5), [["success"], ["admit", 6, false]], open(5)]
  ])("%s", (_, start, steps, expected) => {
    expect(play(start, steps)).toEqual(expected)
  })

  test("a threshold of 1 opens on the first failure", () => {
    expect(play(closedBreaker, [["admit", 0, true], ["failure", 0], ["admit", 1, false]], { failureThreshold: 1, coolDownMs: 10 })).toEqual(open(0))
  })
})

describe("makeCircuitBreaker.protect", () => {
  const failing = (tag: "Fault" | "Answer") => Effect.fail({ _tag: tag })
  const run = (breaker: ReturnType<typeof makeCircuitBreaker>, call: Effect.Effect<unknown, { _tag: string }>, isFault?: (e: { _tag: string }) => boolean) =>
    Effect.runPromise(Effect.result(breaker.protect(call, () => ({ _tag: "Open" }), isFault)))

  test.each<[string, "Fault" | "Answer", ((e: { _tag: string }) => boolean) | undefined, BreakerState["status"]]>([
    ["every failure counts by default", "Answer", undefined, "open"],
    ["a fault counts", "Fault", (e) => e._tag === "Fault", "open"],
    ["a failure that is an answer does not", "Answer", (e) => e._tag === "Fault", "closed"]
  ])("%s", async (_, tag, isFault, status) => {
    const breaker = makeCircuitBreaker({ failureThreshold: 2, coolDownMs: 1_000 }, () => 0)
    for (let i = 0; i < 2; i++) await run(breaker, failing(tag), isFault)
    expect(breaker.state().status).toBe(status)
    const next = await run(breaker, Effect.succeed(1), isFault)
    expect(next._tag === "Failure" ? next.failure : "went out").toEqual(status === "open" ? { _tag: "Open" } : "went out")
  })
})
