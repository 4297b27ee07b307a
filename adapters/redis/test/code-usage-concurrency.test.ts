// A usage limit is never exceeded under concurrency (SPEC §4.5), on a real Redis: 300 order
// completions race for MINUS50's 100 uses over 4 connections (as 4 app processes would), with every
// completion delivered twice (a redelivery racing its original). Exactly 100 orders are counted, the
// counter ends at 100, one event per order is written by its outcome, and a replay counts nothing.
import { afterAll, describe, expect, test } from "bun:test"
import { Effect, Layer, ManagedRuntime } from "effect"
import { createClient } from "redis"
import { CodeUsage, CodeUsageKeys } from "@kasa/promotion"
import { layerRedisOutboxReader, layerRedisCodeUsage, layerRedisConnection } from "@kasa/adapter-redis"
import { makeEnvelope, OutboxReader, Topics } from "@kasa/shared"
import { runId, runPrefix, testRedis } from "@kasa/test-support/infra"

const prefix = `${runPrefix}code-race:`
const runtimes: Array<ManagedRuntime.ManagedRuntime<CodeUsage | OutboxReader, unknown>> = []

const open = async () => {
  const { url } = await testRedis()
  const connection = layerRedisConnection({ url, keyPrefix: prefix, clientName: `kasa-test-${runId}-code-race` })
  const runtime = ManagedRuntime.make(Layer.mergeAll(layerRedisCodeUsage({ outboxName: "promotion" }), layerRedisOutboxReader({ outboxName: "promotion" })).pipe(Layer.provide(connection)))
  runtimes.push(runtime)
  await runtime.runPromise(Effect.void)
  return runtime
}

afterAll(() => Promise.all(runtimes.map((r) => r.dispose())))

const eventFor = (name: string, orderId: string) => {
  const session = `sess_race${orderId.replace("-", "").padEnd(20, "0")}`
  return { topic: Topics.promotion, key: session, envelope: makeEnvelope({ eventName: name, aggregateId: session, correlationId: `corr_${orderId}`, producer: "promotion", payload: { order_id: orderId, code: "MINUS50" } }) }
}

describe("CodeUsage on Redis under contention", () => {
  test("300 concurrent completions of a 100-use code: exactly 100 counted, the counter ends at 100", async () => {
    const processes = await Promise.all(Array.from({ length: 4 }, open))
    const orders = Array.from({ length: 300 }, (_, i) => `ord-${i}`)
    const complete = (orderId: string, i: number) =>
      processes[i % processes.length]!.runPromise(
        Effect.flatMap(CodeUsage, (usage) =>
          usage.redeem("MINUS50", 100, orderId, { redeemed: [eventFor("promotion.code_redeemed", orderId)], limitReached: [eventFor("promotion.removed", orderId)] })
        )
      )
    const outcomes = await Promise.all([...orders, ...orders].map((orderId, i) => complete(orderId, i)))

    const firsts = outcomes.filter((o) => !o.replayed)
    expect(firsts).toHaveLength(300)
    expect(firsts.filter((o) => o.outcome === "redeemed")).toHaveLength(100)
    expect(firsts.filter((o) => o.outcome === "limit_reached")).toHaveLength(200)
    expect(Math.max(...outcomes.map((o) => o.used))).toBe(100)
    expect(await processes[1]!.runPromise(Effect.flatMap(CodeUsage, (usage) => usage.used("MINUS50")))).toBe(100)

    const { url } = await testRedis()
    const raw = createClient({ url })
    raw.on("error", () => {})
    await raw.connect()
    try {
      expect(await raw.get(`${prefix}${CodeUsageKeys.usage("MINUS50")}`)).toBe("100")
    } finally {
      raw.destroy()
    }

    const pending = await processes[2]!.runPromise(Effect.flatMap(OutboxReader, (outbox) => outbox.pending(10_000)))
    const byName = (name: string) => pending.filter((p) => p.event.envelope.event_name === name).map((p) => String(p.event.envelope.payload.order_id))
    const redeemedOrders = outcomes.flatMap((o, i) => (!o.replayed && o.outcome === "redeemed" ? [[...orders, ...orders][i]!] : []))
    expect(byName("promotion.code_redeemed").sort()).toEqual(redeemedOrders.sort())
    expect(byName("promotion.removed")).toHaveLength(200)
    expect(new Set([...byName("promotion.code_redeemed"), ...byName("promotion.removed")]).size).toBe(300)

    // Late redeliveries of every order change nothing.
    const replays = await Promise.all(orders.map((orderId, i) => complete(orderId, i + 1)))
    expect(replays.every((r) => r.replayed && r.used === 100)).toBe(true)
    expect(await processes[3]!.runPromise(Effect.flatMap(OutboxReader, (outbox) => outbox.pending(10_000)))).toHaveLength(300)
  }, 60_000)
})
