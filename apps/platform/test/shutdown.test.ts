// The stop that always ends within SHUTDOWN_TIMEOUT_MS: how the time is shared out, and an embedded
// app whose only consumer is stuck retrying still stops, with that consumer aborted.
import { describe, expect, test } from "bun:test"
import { Effect, Schema } from "effect"
import { MemoryBroker } from "@kasa/adapter-memory"
import { EventBus, makeEnvelope, runConsumer, StateStore, toBusMessage, Topics } from "@kasa/shared"
import { waitFor } from "@kasa/test-support/wait-for"
import { createApp } from "../src/app-runtime.ts"
import { shutdownPlan } from "../src/shutdown.ts"

class StillFailing extends Schema.TaggedError<StillFailing>()("StillFailing", {}) {}

describe("shutdownPlan", () => {
  test.each([
    [10_000, { gracefulMs: 8_000, abortMs: 1_000, disposeMs: 1_000 }],
    [60_000, { gracefulMs: 58_000, abortMs: 1_000, disposeMs: 1_000 }],
    [3_000, { gracefulMs: 2_400, abortMs: 300, disposeMs: 300 }],
    [1_001, { gracefulMs: 801, abortMs: 100, disposeMs: 100 }],
    [0, { gracefulMs: 0, abortMs: 0, disposeMs: 0 }],
    [-5, { gracefulMs: 0, abortMs: 0, disposeMs: 0 }]
  ])("%d ms → %o", (total, plan) => {
    expect(shutdownPlan(total)).toEqual(plan)
    expect(plan.gracefulMs + plan.abortMs + plan.disposeMs).toBe(Math.max(0, total))
  })
})

describe("stop", () => {
  test("embedded: an app whose consumer is stuck retrying stops: the stuck handler interrupted, its event uncommitted, the one before committed", async () => {
    let attempts = 0
    const group = "stuck-embedded"
    const consumer = runConsumer({
      group,
      topics: [Topics.cart],
      retry: { attempts: 1_000_000, baseDelayMs: 20, maxDelayMs: 50 },
      handler: (event) =>
        (event.envelope.payload as { readonly fail?: boolean }).fail === true
          ? Effect.sync(() => attempts++).pipe(Effect.andThen(Effect.fail(new StillFailing())))
          : Effect.succeed({ ops: [{ op: "set" as const, key: "handled", value: event.envelope.event_id }] })
    })
    const broker = new MemoryBroker()
    const app = await createApp({
      broker,
      name: "stuck",
      modules: [{ name: "stuck", consumers: [{ group, topics: [Topics.cart], start: consumer }] }],
      env: { SHUTDOWN_TIMEOUT_MS: "1000" },
      log: () => {}
    })
    const send = (payload: Record<string, unknown>) => {
      const envelope = makeEnvelope({ eventName: "test.stuck", aggregateId: "a", correlationId: "c", producer: "test", payload })
      return app.runtime.runPromise(Effect.flatMap(EventBus, (bus) => bus.publish([toBusMessage({ topic: Topics.cart, key: "a", envelope })]))).then(() => envelope.event_id)
    }
    const handled = () => app.runtime.runPromise(Effect.flatMap(StateStore, (store) => store.get("handled")))
    const first = await send({ fail: false })
    await waitFor(async () => (await handled()) === first, { timeoutMs: 10_000, intervalMs: 10, describe: () => "the first event was not handled" })
    await send({ fail: true })
    await waitFor(() => attempts >= 3, { timeoutMs: 10_000, intervalMs: 10, describe: () => `attempts: ${attempts}` })

    const stopped = await Promise.race([app.stop().then(() => "stopped"), Bun.sleep(1_000 + 9_000).then(() => "still stopping")])
    expect(stopped).toBe("stopped")
    // The stuck handler was interrupted: every partition loop of the group has ended.
    const loopsEnded = Promise.all(broker.group(group).owners.values()).then(() => "ended")
    expect(await Promise.race([loopsEnded, Bun.sleep(5_000).then(() => "still running")])).toBe("ended")
    // The first event's offset was committed, the stuck one's was not (it is delivered again after a restart).
    expect([...broker.group(group).committed.values()].reduce((sum, offset) => sum + offset, 0)).toBe(1)
  })
})
