// SPEC §4.5's "a limit of 100 is never exceeded under concurrency", end to end through the
// promotion-consumer's own handler on a real Redis: 300 sessions hold MINUS50 (100 uses), their 300
// orders complete at once in three "processes" (three connections, each running the handler and
// committing its write with the processed marker, as the consumer runtime does). Exactly 100 orders
// are counted; the other 200 sessions get promotion.removed usage_limit_reached; every session is
// cleared; the counter ends at 100.
import { afterAll, describe, expect, test } from "bun:test"
import { Effect, Layer, Logger, ManagedRuntime } from "effect"
import { layerRedisCodeUsage, layerRedisConnection, layerRedisStateStoreAndOutbox } from "@kasa/adapter-redis"
import {
  applyCode,
  CodeUsage,
  layerPromotionRules,
  layerPromotionStore,
  makePromotionEventsHandler,
  PROMOTION_CONSUMER_GROUP,
  type PromotionRules,
  PromotionStore,
  recompute
} from "@kasa/promotion"
import { snapshot, specRules } from "@kasa/promotion/testing"
import { IgnoredEvent, makeEnvelope, newSessionId, OutboxReader, StateStore, stampTrace, Topics } from "@kasa/shared"
import { runId, runPrefix, testRedis } from "@kasa/test-support/infra"

type Services = PromotionStore | PromotionRules | CodeUsage | StateStore | OutboxReader
const runtimes: Array<ManagedRuntime.ManagedRuntime<Services, unknown>> = []
const prefix = `${runPrefix}promotion-limit:`

const open = async () => {
  const { url } = await testRedis()
  const connection = layerRedisConnection({ url, keyPrefix: prefix, clientName: `kasa-test-${runId}-promotion-limit` })
  const infra = Layer.mergeAll(layerRedisStateStoreAndOutbox({ outboxName: "promotion" }), layerRedisCodeUsage({ outboxName: "promotion" }))
  // The 200 "past its usage limit" warnings are expected here; keep them off the test output.
  const silent = Logger.layer([])
  const layer = Layer.mergeAll(layerPromotionStore, layerPromotionRules(specRules), silent).pipe(Layer.provideMerge(infra), Layer.provide(connection))
  const runtime = ManagedRuntime.make(layer)
  runtimes.push(runtime)
  await runtime.runPromise(Effect.void)
  return runtime
}

afterAll(() => Promise.all(runtimes.map((r) => r.dispose())))

/** One delivery as the consumer runtime handles it: the handler decides, its write commits with the marker. */
const deliver = (handler: ReturnType<typeof makePromotionEventsHandler>, envelope: ReturnType<typeof makeEnvelope>, offset: number) =>
  Effect.gen(function* () {
    const write = yield* handler({ envelope, group: PROMOTION_CONSUMER_GROUP, topic: Topics.checkout, partition: 0, offset })
    if (write === IgnoredEvent) return
    const store = yield* StateStore
    yield* store.commit({ ...(yield* stampTrace(write ?? {})), processed: [{ group: PROMOTION_CONSUMER_GROUP, eventId: envelope.event_id }] })
  })

describe("MINUS50's limit under 300 concurrent completions, through the consumer's handler on Redis", () => {
  test("exactly 100 orders are counted; 200 sessions are told usage_limit_reached", async () => {
    const processes = await Promise.all(Array.from({ length: 3 }, open))
    const sessions = Array.from({ length: 300 }, () => newSessionId())
    // Each session's cart (cart_total 60000) projected, MINUS50 applied while uses are left.
    await Promise.all(
      sessions.map((session, i) =>
        processes[i % 3]!.runPromise(
          Effect.gen(function* () {
            const store = yield* PromotionStore
            const loaded = yield* store.load(session)
            const cart = snapshot(session, 1, ["goods", "equipment", 60_000, 1])
            yield* store.save({ loaded, cart, applied: recompute(specRules, cart, loaded.applied, Date.now()).applied, events: [] })
            yield* applyCode({ session_id: session, correlation_id: `corr_${i}` }, "MINUS50")
          })
        )
      )
    )

    const completions = sessions.map((session, i) =>
      makeEnvelope({ eventName: "checkout.completed", aggregateId: session, correlationId: `corr_done_${i}`, producer: "checkout", payload: { session_id: session, order_id: `ord_${runId}_${i}` } })
    )
    const handlers = processes.map(() => makePromotionEventsHandler())
    await Promise.all(completions.map((envelope, i) => processes[i % 3]!.runPromise(deliver(handlers[i % 3]!, envelope, i))))

    expect(await processes[0]!.runPromise(Effect.flatMap(CodeUsage, (usage) => usage.used("MINUS50")))).toBe(100)
    const pending = await processes[1]!.runPromise(Effect.flatMap(OutboxReader, (outbox) => outbox.pending(10_000)))
    const events = pending.map((p) => p.event.envelope)
    const named = (name: string, reason?: string) => events.filter((e) => e.event_name === name && (reason === undefined || e.payload.reason === reason))
    expect(named("promotion.code_applied")).toHaveLength(300)
    expect(named("promotion.code_redeemed")).toHaveLength(100)
    expect(named("promotion.removed", "usage_limit_reached")).toHaveLength(200)
    expect(named("promotion.removed", "order_completed")).toHaveLength(100)
    // Each session got exactly one outcome, and the counted ones are the ones not told usage_limit_reached.
    const counted = new Set(named("promotion.code_redeemed").map((e) => e.aggregate_id))
    const refused = new Set(named("promotion.removed", "usage_limit_reached").map((e) => e.aggregate_id))
    expect(counted.size + refused.size).toBe(300)
    expect([...counted].every((session) => !refused.has(session))).toBe(true)
    for (const envelope of named("promotion.removed", "usage_limit_reached")) expect(envelope.payload.order_id).toBe(completions[sessions.indexOf(envelope.aggregate_id)]!.payload.order_id)

    const applied = await processes[2]!.runPromise(Effect.forEach(sessions, (session) => Effect.map(Effect.flatMap(PromotionStore, (store) => store.load(session)), (loaded) => loaded.revision.applied)))
    expect(applied.every((value) => value === undefined)).toBe(true)
  }, 120_000)
})
