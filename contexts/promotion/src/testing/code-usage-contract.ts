/**
 * The CodeUsage contract: one framework-free suite every CodeUsage adapter must pass (memory, Redis).
 * A redemption counts once per order and is remembered with its outcome; a limit is never passed,
 * also by concurrent redemptions from several connections ("processes") of one space; no limit
 * counts forever; the outcome's events land in the outbox in the same step and only then; codes
 * count apart; malformed requests count nothing. A test file registers each case with its runner.
 */
import { Effect } from "effect"
import { makeEnvelope, OutboxReader, type OutboxEvent, Topics } from "@kasa/shared"
import { type ContractCase, type OpenHarness, type Opened, withOpened } from "@kasa/shared/testing/contract"
import { assertEqual } from "@kasa/shared/testing/eventually"
import { CodeUsage, type RedemptionEvents } from "../ports.ts"

/** A CodeUsage as one process sees it; opens of the same space share their counters, as processes over one server do. */
export type OpenCodeUsage = Opened<CodeUsage | OutboxReader>

/** Opens a CodeUsage (fresh connections) over the counters and outbox of a space. */
export type CodeUsageHarness = OpenHarness<CodeUsage | OutboxReader>

export type CodeUsageContractCase = ContractCase<CodeUsageHarness>

const event = (name: string, orderId: string): OutboxEvent => {
  const session = `sess_contract${orderId.replace(/[^0-9A-Za-z]/g, "").padEnd(16, "0")}`
  return { topic: Topics.promotion, key: session, envelope: makeEnvelope({ eventName: name, aggregateId: session, correlationId: "corr_contract", producer: "promotion", payload: { order_id: orderId } }) }
}

const eventsFor = (orderId: string): RedemptionEvents => ({ redeemed: [event("promotion.code_redeemed", orderId)], limitReached: [event("promotion.removed", orderId)] })

const redeem = (code: string, limit: number | null, orderId: string, events?: RedemptionEvents) => Effect.flatMap(CodeUsage, (usage) => usage.redeem(code, limit, orderId, events))
const used = (code: string) => Effect.flatMap(CodeUsage, (usage) => usage.used(code))
const outbox = Effect.flatMap(OutboxReader, (reader) => reader.pending(10_000))
const summary = (r: { readonly outcome: string; readonly used: number; readonly replayed: boolean }) => [r.outcome, r.used, r.replayed]

export const codeUsageContract: ReadonlyArray<CodeUsageContractCase> = [
  {
    name: "a code never redeemed has 0 uses",
    run: (h) => withOpened(h, h.name("space"), (u) => u.run(Effect.map(used("NEVER"), (n) => assertEqual(n, 0, "uses"))))
  },
  {
    name: "a redemption counts once per order: the same order again replays its outcome and counts nothing",
    run: (h) =>
      withOpened(h, h.name("space"), (u) =>
        u.run(
          Effect.gen(function* () {
            assertEqual(summary(yield* redeem("MINUS50", 100, "ord-1")), ["redeemed", 1, false], "first use")
            assertEqual(summary(yield* redeem("MINUS50", 100, "ord-1")), ["redeemed", 1, true], "replay")
            assertEqual(summary(yield* redeem("MINUS50", 100, "ord-2")), ["redeemed", 2, false], "another order")
            assertEqual(summary(yield* redeem("MINUS50", 100, "ord-1")), ["redeemed", 2, true], "replay after another order")
            assertEqual(yield* used("MINUS50"), 2, "two uses")
          })
        )
      )
  },
  {
    name: "a limit is never passed: the order past it is told limit_reached, counts nothing, and keeps that outcome",
    run: (h) =>
      withOpened(h, h.name("space"), (u) =>
        u.run(
          Effect.gen(function* () {
            for (const order of ["a", "b", "c"]) assertEqual((yield* redeem("LIMIT3", 3, order)).outcome, "redeemed", `order ${order}`)
            assertEqual(summary(yield* redeem("LIMIT3", 3, "d")), ["limit_reached", 3, false], "the fourth order")
            assertEqual(summary(yield* redeem("LIMIT3", 3, "d")), ["limit_reached", 3, true], "the fourth order again")
            assertEqual(summary(yield* redeem("LIMIT3", 3, "a")), ["redeemed", 3, true], "a counted order again")
            assertEqual(yield* used("LIMIT3"), 3, "three uses")
          })
        )
      )
  },
  {
    name: "with no limit (null) every order counts",
    run: (h) =>
      withOpened(h, h.name("space"), (u) =>
        u.run(
          Effect.gen(function* () {
            for (let i = 1; i <= 7; i++) assertEqual(summary(yield* redeem("WELCOME10", null, `o${i}`)), ["redeemed", i, false], `order ${i}`)
            assertEqual(yield* used("WELCOME10"), 7, "seven uses")
          })
        )
      )
  },
  {
    name: "the outcome's events are written with it, the other outcome's never, and a replay writes none",
    run: (h) =>
      withOpened(h, h.name("space"), (u) =>
        u.run(
          Effect.gen(function* () {
            const first = eventsFor("e1")
            yield* redeem("ONCE", 1, "e1", first)
            yield* redeem("ONCE", 1, "e1", eventsFor("e1"))
            const second = eventsFor("e2")
            yield* redeem("ONCE", 1, "e2", second)
            yield* redeem("ONCE", 1, "e2", eventsFor("e2"))
            const pending = yield* outbox
            assertEqual(
              pending.map((p) => [p.event.topic, p.event.key, p.event.envelope.event_id]),
              [first.redeemed[0]!, second.limitReached[0]!].map((e) => [e.topic, e.key, e.envelope.event_id]),
              "one redeemed event for e1, one limit event for e2, in order"
            )
            assertEqual(pending[0]!.event.envelope, first.redeemed[0]!.envelope, "the envelope as given")
          })
        )
      )
  },
  {
    name: "codes count apart, also for the same order id",
    run: (h) =>
      withOpened(h, h.name("space"), (u) =>
        u.run(
          Effect.gen(function* () {
            yield* redeem("ONE", 1, "shared-order")
            assertEqual((yield* redeem("TWO", 1, "shared-order")).outcome, "redeemed", "the other code counts the same order")
            assertEqual([yield* used("ONE"), yield* used("TWO"), yield* used("THREE")], [1, 1, 0], "uses per code")
          })
        )
      )
  },
  {
    name: "concurrent redemptions from two processes stop at the limit exactly, each order counted at most once",
    run: async (h) => {
      const space = h.name("space")
      await withOpened(h, space, (one) =>
        withOpened(h, space, async (two) => {
          const orders = Array.from({ length: 60 }, (_, i) => `race-${i}`)
          const attempt = (orderId: string, i: number) => (i % 2 === 0 ? one : two).run(redeem("RACE", 25, orderId, eventsFor(orderId)))
          // Every order twice, so replays race with first redemptions too.
          const outcomes = await Promise.all([...orders, ...orders].map((orderId, i) => attempt(orderId, i)))
          const firsts = outcomes.filter((o) => !o.replayed)
          assertEqual(firsts.length, orders.length, "one first outcome per order")
          assertEqual(firsts.filter((o) => o.outcome === "redeemed").length, 25, "exactly the limit redeemed")
          assertEqual(await one.run(used("RACE")), 25, "the count stops at the limit")
          const pending = await two.run(outbox)
          assertEqual(
            [pending.filter((p) => p.event.envelope.event_name === "promotion.code_redeemed").length, pending.filter((p) => p.event.envelope.event_name === "promotion.removed").length],
            [25, 35],
            "one event per order, by its outcome"
          )
        })
      )
    }
  },
  {
    name: "a malformed request (empty code or order, a limit below 1) fails with InvalidRedemption and counts nothing",
    run: (h) =>
      withOpened(h, h.name("space"), (u) =>
        u.run(
          Effect.gen(function* () {
            for (const [code, limit, order] of [["", 5, "o"], ["BAD", 0, "o"], ["BAD", 1.5, "o"], ["BAD", 5, ""]] as const) {
              const failure = yield* Effect.flip(redeem(code, limit, order))
              assertEqual(failure._tag, "InvalidRedemption", `${JSON.stringify([code, limit, order])}`)
            }
            assertEqual(yield* used("BAD"), 0, "nothing counted")
            assertEqual((yield* outbox).length, 0, "nothing written")
          })
        )
      )
  }
]
