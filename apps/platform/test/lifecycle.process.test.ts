// Stopping and restarting an app as a process, over this run's real Kafka and Redis (SPEC §5):
// SIGTERM ends the process within SHUTDOWN_TIMEOUT_MS although a handler is stuck retrying, and what
// was committed before stays committed (the stuck event is not, so it is delivered again later); an
// instance killed and restarted with its INSTANCE_ID is ready again well before the broker's session
// timeout (static membership: it takes its partitions straight back instead of waiting for them).
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import type { Subprocess } from "bun"
import { Effect, Layer, ManagedRuntime } from "effect"
import { layerKafka } from "@kasa/adapter-kafka"
import { layerRedis } from "@kasa/adapter-redis"
import { dlqTopic, EventBus, EventBusAdmin, makeEnvelope, StateStore, toBusMessage } from "@kasa/shared"
import { runGroup, runId, runPrefix, runTopic, testKafka, testRedis } from "@kasa/test-support/infra"
import { killNow, type RunningProcess, startApp } from "@kasa/test-support/process"
import { waitFor } from "@kasa/test-support/wait-for"

const entry = new URL("./fixtures/lifecycle-app.ts", import.meta.url).pathname
const keyPrefix = `${runPrefix}lifecycle:`

type Services = EventBus | EventBusAdmin | StateStore
let runtime: ManagedRuntime.ManagedRuntime<Services, unknown>
let baseEnv: Record<string, string>
const children: Array<Subprocess> = []

const start = async (env: Record<string, string>): Promise<RunningProcess> => {
  const app = await startApp(entry, { ...baseEnv, ...env }, 60_000)
  children.push(app.process)
  return app
}

const isReady = async (app: RunningProcess): Promise<boolean> => (await fetch(`${app.url}/health/ready`).catch(() => undefined))?.status === 200

const provision = (topic: string, partitions: number) =>
  runtime.runPromise(Effect.flatMap(EventBusAdmin, (admin) => admin.ensureTopics([topic, dlqTopic(topic)].map((name) => ({ name, partitions, replicationFactor: 1 })))))

const publish = (topic: string, payload: Record<string, unknown>, key = "agg"): Promise<string> => {
  const envelope = makeEnvelope({ eventName: "test.lifecycle", aggregateId: key, correlationId: `corr_${runId}`, producer: "lifecycle-test", payload })
  return runtime.runPromise(Effect.flatMap(EventBus, (bus) => bus.publish([toBusMessage({ topic, key, envelope })]))).then(() => envelope.event_id)
}

const effects = (eventId: string) => runtime.runPromise(Effect.flatMap(StateStore, (store) => store.get(`effects:${eventId}`))).then((value) => Number(value ?? 0))

const committed = (group: string, topic: string) =>
  runtime.runPromise(Effect.flatMap(EventBusAdmin, (admin) => admin.groupLag(group, [topic]))).then((rows) => rows.reduce((sum, row) => sum + row.committed, 0))

beforeAll(async () => {
  const [kafka, redis] = await Promise.all([testKafka(), testRedis()])
  baseEnv = { KAFKA_BROKERS: kafka.brokers, REDIS_URL: redis.url, REDIS_KEY_PREFIX: keyPrefix, TOPIC_PARTITIONS: "1" }
  runtime = ManagedRuntime.make(
    Layer.mergeAll(layerKafka({ brokers: kafka.brokers.split(","), clientId: `lifecycle-test-${runId}` }), layerRedis({ url: redis.url, keyPrefix, outboxName: "lifecycle-test" }))
  )
}, 120_000)

afterAll(async () => {
  await Promise.all(children.map(killNow))
  await runtime?.dispose()
})

describe("an app's lifecycle, as a process", () => {
  test("SIGTERM ends the process within SHUTDOWN_TIMEOUT_MS while a handler is stuck retrying; what was committed stays", async () => {
    const topic = runTopic("lifecycle-stuck")
    const group = runGroup("lifecycle-stuck")
    await provision(topic, 1)
    const app = await start({ TOPIC: topic, GROUP: group, SHUTDOWN_TIMEOUT_MS: "3000" })
    await waitFor(() => isReady(app), { timeoutMs: 60_000, describe: () => app.output().slice(-2_000) })

    const done = await publish(topic, { fail: false })
    await waitFor(async () => (await committed(group, topic)) === 1 && (await effects(done)) === 1, { timeoutMs: 30_000, describe: () => app.output().slice(-2_000) })
    const stuck = await publish(topic, { fail: true })
    await waitFor(() => app.output().split(`failing attempt ${stuck}`).length > 3, { timeoutMs: 30_000, describe: () => app.output().slice(-2_000) })

    app.process.kill("SIGTERM")
    // The bound is the configured timeout plus the time a loaded machine takes to notice the exit.
    const exited = await Promise.race([app.process.exited.then(() => true), Bun.sleep(3_000 + 7_000).then(() => false)])
    expect(exited ? "exited" : `still running: ${app.output().slice(-1_500)}`).toBe("exited")
    expect(app.process.exitCode).toBe(0)
    expect(app.output()).toContain("aborting consumers")
    // The event handled before stays handled and committed; the stuck one is not committed (delivered again later).
    expect(await committed(group, topic)).toBe(1)
    expect(await effects(done)).toBe(1)
    expect(await effects(stuck)).toBe(0)
  }, 120_000)

  test("after SIGKILL, an instance restarted with the same INSTANCE_ID is ready well before the session timeout", async () => {
    const topic = runTopic("lifecycle-restart")
    const group = runGroup("lifecycle-restart")
    await provision(topic, 3)
    // A session timeout far longer than the wait below: readiness cannot come from the broker giving up on the dead member.
    const env = { TOPIC: topic, GROUP: group, INSTANCE_ID: `lifecycle-${runId}`, KAFKA_SESSION_TIMEOUT_MS: "90000" }
    const first = await start(env)
    await waitFor(() => isReady(first), { timeoutMs: 60_000, describe: () => first.output().slice(-2_000) })
    first.process.kill("SIGKILL")
    await first.process.exited

    const restarted = Date.now()
    const second = await start(env)
    await waitFor(() => isReady(second), { timeoutMs: Math.max(1_000, 30_000 - (Date.now() - restarted)), describe: () => second.output().slice(-2_000) })
    // Ready means assigned: it handles what is published now.
    const eventId = await publish(topic, { fail: false })
    await waitFor(async () => (await effects(eventId)) === 1, { timeoutMs: 30_000, describe: () => second.output().slice(-2_000) })
    second.process.kill("SIGTERM")
    expect(await second.process.exited).toBe(0)
  }, 180_000)

  test("SIGTERM leaves the group at once, static membership or not: the other instance takes every partition before the session timeout", async () => {
    const topic = runTopic("lifecycle-leave")
    const group = runGroup("lifecycle-leave")
    await provision(topic, 3)
    const env = { TOPIC: topic, GROUP: group, KAFKA_SESSION_TIMEOUT_MS: "90000" }
    const [a, b] = await Promise.all([start({ ...env, INSTANCE_ID: `leave-a-${runId}` }), start({ ...env, INSTANCE_ID: `leave-b-${runId}` })])
    for (const app of [a, b]) await waitFor(() => isReady(app), { timeoutMs: 60_000, describe: () => app.output().slice(-2_000) })
    a.process.kill("SIGTERM")
    expect(await a.process.exited).toBe(0)
    // Keys over every partition: b handles them all, so it holds a's partitions too.
    const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => publish(topic, { fail: false }, `key-${i}`)))
    let handled = 0
    await waitFor(async () => (handled = (await Promise.all(ids.map(effects))).filter((n) => n === 1).length) === ids.length, { timeoutMs: 30_000, describe: () => `${handled} of ${ids.length} handled` })
  }, 180_000)
})
