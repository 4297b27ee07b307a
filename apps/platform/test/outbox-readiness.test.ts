// Readiness and /metrics see the outbox (SPEC §5, §6), embedded and over Kafka + Redis: a relay whose
// publish keeps failing makes /health/ready 503 and it comes back by itself once the bus takes the
// events; an outbox entry older than OUTBOX_MAX_AGE_MS makes it 503 too (here no relay runs); the
// backlog and the oldest entry's age are on /metrics. A stopped app leaves the outbox lease free.
import { afterAll, describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { makeMemoryOutboxLease, MemoryBroker, MemoryStateData } from "@kasa/adapter-memory"
import { type App, createApp } from "@kasa/app-platform"
import { EventBusAdmin, makeEnvelope, StateStore } from "@kasa/shared"
import { runId, runPrefix, testKafka, testRedis } from "@kasa/test-support/infra"
import { TEST_SESSION_SECRET } from "@kasa/test-support/process"
import { readUntil } from "@kasa/test-support/wait-for"

const deadlineMs = 20_000
let n = 0
const unique = (base: string) => `${base}-${runId}-${++n}`

const modes = {
  embedded: async (env: Record<string, string>) =>
    createApp({ name: unique("ready"), modules: [], env, broker: new MemoryBroker(), state: new MemoryStateData(), log: () => {} }),
  distributed: async (env: Record<string, string>) => {
    const [kafka, redis] = await Promise.all([testKafka(), testRedis()])
    return createApp({
      name: unique("ready"),
      modules: [],
      env: { KAFKA_BROKERS: kafka.brokers, REDIS_URL: redis.url, SESSION_SECRET: TEST_SESSION_SECRET, ...env },
      keyPrefix: `${runPrefix}ready:`,
      log: () => {}
    })
  }
}

const apps: Array<App> = []
afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()))
})

const ready = async (app: App) => {
  const response = await app.http.request("/health/ready")
  const body = (await response.json()) as { checks: Array<{ name: string; ok: boolean; error?: string }> }
  return { status: response.status, outbox: body.checks.find((check) => check.name === "outbox") }
}

const commitTo = (app: App, topic: string) =>
  app.runtime.runPromise(
    Effect.flatMap(StateStore, (store) =>
      store.commit({
        events: [{ topic, key: "k", envelope: makeEnvelope({ eventName: "test.happened", aggregateId: "k", correlationId: "corr_ready", producer: "test", payload: {} }) }]
      })
    )
  )

for (const [mode, start] of Object.entries(modes)) {
  describe(`outbox readiness: ${mode}`, () => {
    test(
      "a relay whose publish keeps failing makes /health/ready 503; it recovers once the bus takes the events",
      async () => {
        const app = await start({})
        apps.push(app)
        expect((await ready(app)).status).toBe(200)
        const topic = unique("ready-missing")
        await commitTo(app, topic)
        const down = await readUntil(() => ready(app), (r) => r.status === 503, "never not ready", deadlineMs)
        expect(down.outbox?.ok).toBe(false)
        expect(down.outbox?.error).toContain("outbox relay failing")
        await app.runtime.runPromise(Effect.flatMap(EventBusAdmin, (admin) => admin.ensureTopics([{ name: topic, partitions: 1, replicationFactor: 1 }])))
        await readUntil(() => ready(app), (r) => r.status === 200, "never ready again", deadlineMs)
        const published = await app.runtime.runPromise(Effect.flatMap(EventBusAdmin, (admin) => admin.readTopic(topic)))
        expect(published.length).toBe(1)
      },
      60_000
    )

    test(
      "an outbox entry older than OUTBOX_MAX_AGE_MS makes it 503; /metrics shows the backlog and its age",
      async () => {
        const app = await start({ OUTBOX_RELAY: "off", OUTBOX_MAX_AGE_MS: "300" })
        apps.push(app)
        expect((await ready(app)).status).toBe(200)
        await commitTo(app, unique("ready-stale"))
        const stale = await readUntil(() => ready(app), (r) => r.status === 503, "never not ready", deadlineMs)
        expect(stale.outbox?.error).toContain("oldest outbox entry")
        const metrics = await (await app.http.request("/metrics")).text()
        expect(metrics).toContain(`kasa_outbox_pending{outbox="${app.config.serviceName}"} 1`)
        const age = Number(/kasa_outbox_oldest_age_seconds\{[^}]*\} (\S+)/.exec(metrics)?.[1])
        expect(age).toBeGreaterThan(0.3)
      },
      60_000
    )
  })
}

describe("outbox lease at stop", () => {
  test("a stopped app gives its outbox lease up, so another instance relays at once", async () => {
    const state = new MemoryStateData()
    const app = await createApp({ name: unique("lease-stop"), modules: [], env: {}, broker: new MemoryBroker(), state, log: () => {} })
    await readUntil(() => Effect.runPromise(makeMemoryOutboxLease(state).hold(60_000)).then((held) => !held), (taken) => taken, "the app never took the lease", deadlineMs)
    await app.stop()
    expect(await Effect.runPromise(makeMemoryOutboxLease(state).hold(60_000))).toBe(true)
  })
})
