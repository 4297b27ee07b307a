// The lag behind /metrics: loaded once per window however many scrapes ask, never waited on for long.
import { describe, expect, test } from "bun:test"
import { Effect, Layer, Schema } from "effect"
import { EventBusAdmin, Topics } from "@kasa/shared"
import { consumerSpec } from "../src/app-module.ts"
import { createApp } from "../src/app-runtime.ts"
import { refreshedValue } from "../src/refreshed-value.ts"

class LoadFailed extends Schema.TaggedError<LoadFailed>()("LoadFailed", {}) {}

const counting = <A>(result: Effect.Effect<A, LoadFailed>) => {
  let loads = 0
  return { load: Effect.suspend(() => (loads++, result)), loads: () => loads }
}

describe("refreshedValue", () => {
  test("20 readers at once within the window: one load, every reader gets its value", async () => {
    const { load, loads } = counting(Effect.succeed(7))
    const read = refreshedValue(load, 0, { maxAgeMs: 60_000, waitMs: 5_000 })
    const values = await Effect.runPromise(Effect.all(Array.from({ length: 20 }, () => read), { concurrency: "unbounded" }))
    const later = await Effect.runPromise(Effect.all(Array.from({ length: 20 }, () => read)))
    expect([...new Set([...values, ...later])]).toEqual([7])
    expect(loads()).toBe(1)
  })

  test("past the window each read refreshes", async () => {
    const { load, loads } = counting(Effect.succeed(7))
    const read = refreshedValue(load, 0, { maxAgeMs: 0, waitMs: 5_000 })
    for (let i = 0; i < 3; i++) await Effect.runPromise(read)
    expect(loads()).toBe(3)
  })

  test("a load that does not answer: readers get the last value after waitMs, and no second load starts", async () => {
    const { load, loads } = counting(Effect.never)
    const read = refreshedValue(load, "none yet", { maxAgeMs: 0, waitMs: 20 })
    expect(await Effect.runPromise(Effect.all([read, read, read], { concurrency: "unbounded" }))).toEqual(["none yet", "none yet", "none yet"])
    expect(await Effect.runPromise(read)).toBe("none yet")
    expect(loads()).toBe(1)
  })

  test("a failed load keeps the last value", async () => {
    let fail = false
    const read = refreshedValue(Effect.suspend(() => (fail ? Effect.fail(new LoadFailed()) : Effect.succeed(3))), 0, { maxAgeMs: 0, waitMs: 5_000 })
    expect(await Effect.runPromise(read)).toBe(3)
    fail = true
    expect(await Effect.runPromise(read)).toBe(3)
  })
})

describe("/metrics", () => {
  test("10 scrapes within the window ask the bus admin for lag once", async () => {
    let lagCalls = 0
    // A module layer over the platform's EventBusAdmin that counts lag requests.
    const countingAdmin = Layer.effect(
      EventBusAdmin,
      Effect.map(EventBusAdmin, (admin) => EventBusAdmin.of({ ...admin, groupLag: (group, topics) => Effect.suspend(() => (lagCalls++, admin.groupLag(group, topics))) }))
    )
    const group = "metrics-lag"
    const app = await createApp({
      name: "metrics",
      modules: [{ name: "metrics", layer: countingAdmin, consumers: [consumerSpec({ group, topics: [Topics.cart], handler: () => Effect.void })] }],
      log: () => {}
    })
    try {
      for (let i = 0; i < 10; i++) {
        const response = await app.http.request("/metrics")
        expect(response.status).toBe(200)
        expect(await response.text()).toContain("kasa_consumer_lag")
      }
      expect(lagCalls).toBe(1)
    } finally {
      await app.stop()
    }
  })
})
