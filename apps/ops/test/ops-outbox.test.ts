// `ops outbox status|dead <app>` as a user runs it, against a real Redis: an outbox holding an
// unreadable entry and a good one; the relay sets the bad one aside and publishes the other; the CLI
// then shows the outbox empty with one entry set aside, and prints that entry with its reason.
import { describe, expect, test } from "bun:test"
import { Effect, Layer, ManagedRuntime } from "effect"
import { createClient } from "redis"
import { layerMemoryEventBus, MemoryBroker } from "@kasa/adapter-memory"
import { layerRedis, outboxStreamKey } from "@kasa/adapter-redis"
import { makeEnvelope, relayOnce, StateStore } from "@kasa/shared"
import { runId, runPrefix, testRedis } from "@kasa/test-support/infra"

const entry = new URL("../src/main.ts", import.meta.url).pathname

const ops = async (env: Record<string, string>, ...args: Array<string>) => {
  const child = Bun.spawn([process.execPath, entry, ...args], { env: { PATH: process.env.PATH ?? "", ...env }, stdout: "pipe", stderr: "pipe" })
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  return { stdout, stderr, code }
}

describe("ops CLI: the outbox", () => {
  test("outbox status and outbox dead show what the relay set aside and why", async () => {
    const { url } = await testRedis()
    const outbox = `ops-outbox-${runId}`
    const topic = `ops-outbox-topic-${runId}`
    const env = { REDIS_URL: url, REDIS_KEY_PREFIX: runPrefix }
    const client = createClient({ url })
    client.on("error", () => {})
    await client.connect()
    await client.xAdd(runPrefix + outboxStreamKey(outbox), "*", { topic, key: "cart-1", envelope: "{truncated" })
    client.destroy()

    const broker = new MemoryBroker()
    broker.createTopic(topic, 1)
    const runtime = ManagedRuntime.make(Layer.mergeAll(layerMemoryEventBus(broker), layerRedis({ url, keyPrefix: runPrefix, outboxName: outbox })))
    try {
      await runtime.runPromise(
        Effect.gen(function* () {
          const store = yield* StateStore
          yield* store.commit({
            events: [{ topic, key: "cart-2", envelope: makeEnvelope({ eventName: "cart.item_added", aggregateId: "cart-2", correlationId: "c", producer: "test", payload: {} }) }]
          })
        })
      )
      const before = await ops(env, "outbox", "status", outbox)
      expect(before.code).toBe(0)
      expect(before.stdout).toContain(`outbox ${outbox}: 2 pending`)
      expect(before.stdout).toContain("0 set aside")

      // One pass sets the unreadable entry aside; the next publishes the good one behind it.
      expect(await runtime.runPromise(relayOnce())).toBe(1)
      expect(await runtime.runPromise(relayOnce())).toBe(1)
      expect(broker.topics.get(topic)![0]!.log.length).toBe(1)
    } finally {
      await runtime.dispose()
    }

    const after = await ops(env, "outbox", "status", outbox)
    expect(after.stdout).toContain(`outbox ${outbox}: 0 pending`)
    expect(after.stdout).toContain("1 set aside")
    const dead = await ops(env, "outbox", "dead", outbox)
    expect(dead.code).toBe(0)
    expect(dead.stdout).toContain("reason: outbox entry")
    expect(dead.stdout).toContain("is unreadable: not JSON")
    expect(dead.stdout).toContain("envelope: {truncated")
    expect(dead.stdout).toContain("key: cart-1")
    expect(dead.stdout).toContain("1 entry set aside")
  })

  test("without REDIS_URL it says what is missing", async () => {
    const result = await ops({}, "outbox", "dead", "cart")
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("REDIS_URL is required")
  })
})
