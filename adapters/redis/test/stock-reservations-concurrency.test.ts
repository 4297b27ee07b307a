// No oversell under concurrent finalizes (SPEC §4.1), on a real Redis: 200 orders of one unit race for
// 10 units over 4 connections (as 4 app processes would) while another connection watches the
// counter; exactly 10 win, the rest are told what is short, the counter ends at 0 and never dips below.
import { afterAll, describe, expect, test } from "bun:test"
import { Effect, Layer, ManagedRuntime } from "effect"
import { createClient } from "redis"
import { StockKeys, StockReservations } from "@kasa/catalog"
import { layerRedisOutboxReader, layerRedisConnection, layerRedisStockReservations } from "@kasa/adapter-redis"
import { OutboxReader } from "@kasa/shared"
import { runId, runPrefix, testRedis } from "@kasa/test-support/infra"

const prefix = `${runPrefix}stock-race:`
const runtimes: Array<ManagedRuntime.ManagedRuntime<StockReservations | OutboxReader, unknown>> = []

const open = async () => {
  const { url } = await testRedis()
  const connection = layerRedisConnection({ url, keyPrefix: prefix, clientName: `kasa-test-${runId}-race` })
  const runtime = ManagedRuntime.make(
    Layer.mergeAll(layerRedisStockReservations({ outboxName: "catalog" }), layerRedisOutboxReader({ outboxName: "catalog" })).pipe(Layer.provide(connection))
  )
  runtimes.push(runtime)
  await runtime.runPromise(Effect.void)
  return runtime
}

afterAll(() => Promise.all(runtimes.map((r) => r.dispose())))

describe("StockReservations on Redis under contention", () => {
  test("200 concurrent reservations of 1 unit against stock 10: exactly 10 succeed, stock ends at 0, never negative", async () => {
    const processes = await Promise.all(Array.from({ length: 4 }, open))
    const offer = "race-tv"
    await processes[0]!.runPromise(Effect.flatMap(StockReservations, (s) => s.seed([{ offer_id: offer, stock: 10 }])))

    const { url } = await testRedis()
    const watcher = createClient({ url })
    watcher.on("error", () => {})
    await watcher.connect()
    let lowest = Number.POSITIVE_INFINITY
    let watching = true
    const watch = (async () => {
      while (watching) {
        lowest = Math.min(lowest, Number(await watcher.get(`${prefix}${StockKeys.stock(offer)}`)))
      }
    })()

    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        processes[i % processes.length]!.runPromise(
          Effect.flatMap(StockReservations, (s) =>
            s.reserve({ orderId: `race-${i}`, sessionId: `sess_race_${i}`, correlationId: `corr_race_${i}`, lines: [{ offer_id: offer, quantity: 1 }], ttlSeconds: 900 })
          ).pipe(
            Effect.as("reserved"),
            Effect.catchTag("InsufficientStock", (e) => Effect.succeed(`short ${e.lines.map((l) => `${l.offer_id} ${l.requested}/${l.available}`).join()}`))
          )
        )
      )
    )
    watching = false
    await watch
    lowest = Math.min(lowest, Number(await watcher.get(`${prefix}${StockKeys.stock(offer)}`)))
    watcher.destroy()

    const counts = new Map<string, number>()
    for (const outcome of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1)
    expect(Object.fromEntries(counts)).toEqual({ reserved: 10, [`short ${offer} 1/0`]: 190 })
    expect(lowest).toBe(0)
    const [level] = await processes[1]!.runPromise(Effect.flatMap(StockReservations, (s) => s.stock([offer])))
    expect(level).toEqual({ offer_id: offer, stock: 0 })
    const winners = outcomes.flatMap((o, i) => (o === "reserved" ? [`race-${i}`] : []))
    const pending = await processes[2]!.runPromise(Effect.flatMap(OutboxReader, (o) => o.pending(1_000)))
    expect(pending.map((p) => p.event.envelope.payload.order_id).sort()).toEqual(winners.sort())
    for (const orderId of winners) {
      const reservation = await processes[3]!.runPromise(Effect.flatMap(StockReservations, (s) => s.reservation(orderId)))
      expect(reservation?.status).toBe("reserved")
    }
  }, 60_000)
})
