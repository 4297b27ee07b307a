// The group member's phase function over every (phase, event) pair: the next phase and the actions, in order.
import { describe, expect, test } from "bun:test"
import { nextPhase, PhaseActions, type Phase, type PhaseAction, type PhaseEvent } from "../src/kafka-member-phase.ts"

const NOW = 10_000
const TIMEOUT = 3_000
/** The deadline a revocation in progress already has (set when it began, earlier than NOW + TIMEOUT). */
const EARLIER = 12_000

const events: Readonly<Record<PhaseEvent["_tag"], PhaseEvent>> = {
  join: { _tag: "join" },
  revoke: { _tag: "revoke", now: NOW, rebalanceTimeoutMs: TIMEOUT },
  assigned: { _tag: "assigned" },
  stop: { _tag: "stop" },
  abort: { _tag: "abort" },
  closed: { _tag: "closed" }
}

const { joinGroup, invalidate, adopt, refuseJoin, interrupt, releaseIdle, close, waitIdle } = PhaseActions

const leave = [invalidate, waitIdle(undefined), releaseIdle, close]
const crash = [invalidate, interrupt, releaseIdle, close]

// [phase, event, next phase, actions, revoke deadline after]
const table: ReadonlyArray<readonly [Phase, PhaseEvent["_tag"], Phase, ReadonlyArray<PhaseAction>, number]> = [
  ["joining", "join", "joining", [joinGroup], 0],
  ["joining", "revoke", "joining", [waitIdle(NOW)], 0],
  ["joining", "assigned", "active", [invalidate, adopt], 0],
  ["joining", "stop", "stopping", leave, 0],
  ["joining", "abort", "aborted", crash, 0],
  ["joining", "closed", "joining", [], 0],

  ["active", "join", "active", [joinGroup], 0],
  ["active", "revoke", "revoking", [invalidate, waitIdle(NOW + TIMEOUT)], NOW + TIMEOUT],
  ["active", "assigned", "active", [invalidate, adopt], 0],
  ["active", "stop", "stopping", leave, 0],
  ["active", "abort", "aborted", crash, 0],
  ["active", "closed", "active", [], 0],

  ["revoking", "join", "revoking", [joinGroup], EARLIER],
  ["revoking", "revoke", "revoking", [waitIdle(EARLIER)], EARLIER],
  ["revoking", "assigned", "active", [invalidate, adopt], 0],
  ["revoking", "stop", "stopping", leave, 0],
  ["revoking", "abort", "aborted", crash, 0],
  ["revoking", "closed", "revoking", [], EARLIER],

  ["stopping", "join", "stopping", [], 0],
  ["stopping", "revoke", "stopping", [refuseJoin], 0],
  ["stopping", "assigned", "stopping", [], 0],
  ["stopping", "stop", "stopping", [], 0],
  ["stopping", "abort", "aborted", crash, 0],
  ["stopping", "closed", "stopped", [], 0],

  ["stopped", "join", "stopped", [], 0],
  ["stopped", "revoke", "stopped", [refuseJoin], 0],
  ["stopped", "assigned", "stopped", [], 0],
  ["stopped", "stop", "stopped", [], 0],
  ["stopped", "abort", "stopped", [], 0],
  ["stopped", "closed", "stopped", [], 0],

  ["aborted", "join", "aborted", [], 0],
  ["aborted", "revoke", "aborted", [refuseJoin], 0],
  ["aborted", "assigned", "aborted", [], 0],
  ["aborted", "stop", "aborted", [], 0],
  ["aborted", "abort", "aborted", [], 0],
  ["aborted", "closed", "aborted", [], 0]
]

describe("nextPhase", () => {
  test("the table covers every (phase, event) pair once", () => {
    const phases: ReadonlyArray<Phase> = ["joining", "active", "revoking", "stopping", "stopped", "aborted"]
    const pairs = new Set(table.map(([phase, event]) => `${phase}/${event}`))
    expect(pairs.size).toBe(table.length)
    expect(pairs).toEqual(new Set(phases.flatMap((phase) => Object.keys(events).map((event) => `${phase}/${event}`))))
  })

  test.each(table)("%p + %p → %p", (phase, event, next, actions, deadline) => {
    const before = { phase, revokeDeadline: phase === "revoking" ? EARLIER : 0 }
    const { state, actions: taken } = nextPhase(before, events[event])
    expect(state.phase).toBe(next)
    expect(taken).toEqual(actions)
    expect(state.revokeDeadline).toBe(deadline)
  })
})
