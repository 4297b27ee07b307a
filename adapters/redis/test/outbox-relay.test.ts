// The transactional outbox on a real Redis and its relay onto the in-memory bus: order and headers
// kept, acknowledged entries trimmed from the stream, a relay that never ran (a crash after the
// commit) made good by a fresh one on fresh connections, and 1,000 concurrent commits drained in
// outbox order per key. Conditions are waited on with deadlines, never with fixed sleeps.
import { describe, test } from "bun:test"
import { Effect, Layer, ManagedRuntime } from "effect"
import { createClient } from "redis"
import {
  type AtomicWrite,
  type DeliveredMessage,
  Headers,
  makeEnvelope,
  type OutboxEvent,
  OutboxReader,
  parseTraceparent,
  defaultRelayMaxBatch,
  relayOnce,
  runConsumer,
  runRelay,
  StateStore,
  toBusMessage,
  EventBus
} from "@kasa/shared"
import { assert, assertEqual, waitUntil, waitUntilEffect } from "@kasa/shared/testing/eventually"
import { layerMemoryEventBus, MemoryBroker } from "@kasa/adapter-memory"
import { layerRedis, outboxStreamKey } from "@kasa/adapter-redis"
import { runPrefix, testRedis } from "@kasa/test-support/infra"

const deadlineMs = 15_000
const testTimeoutMs = 60_000
let n = 0
const unique = (base: string) => `relay-${base}-${++n}`

const broker = new MemoryBroker()
const topicLog = (topic: string): ReadonlyArray<DeliveredMessage> =>
  (broker.topics.get(topic) ?? []).flatMap((partition) => partition.log)
const newTopic = (base: string): string => {
  const topic = unique(base)
  broker.createTopic(topic, 3)
  broker.createTopic(`${topic}.dlq`, 3)
  return topic
}

/** A process: the in-memory bus plus a Redis store on connections of its own. */
const openProcess = async (outboxName: string) => {
  const { url } = await testRedis()
  const runtime = ManagedRuntime.make(Layer.mergeAll(layerMemoryEventBus(broker), layerRedis({ url, keyPrefix: runPrefix, outboxName })))
  await runtime.runPromise(Effect.void)
  return runtime
}

/** Runs `use` with a process of its own on `outboxName`, disposed afterwards whatever happens. */
const inProcess = async <A>(outboxName: string, use: (app: Awaited<ReturnType<typeof openProcess>>) => Promise<A>): Promise<A> => {
  const app = await openProcess(outboxName)
  try {
    return await use(app)
  } finally {
    await app.dispose()
  }
}

/** XLEN of an outbox stream, read from outside the adapter. */
const streamLength = async (outboxName: string): Promise<number> => {
  const { url } = await testRedis()
  const client = createClient({ url })
  client.on("error", () => {})
  await client.connect()
  try {
    return await client.xLen(runPrefix + outboxStreamKey(outboxName))
  } finally {
    client.destroy()
  }
}

const eventFor = (topic: string, key: string, n: number, headers?: Record<string, string>): OutboxEvent => ({
  topic,
  key,
  envelope: makeEnvelope({ eventName: "cart.item_added", aggregateId: key, correlationId: `corr_${key}`, producer: "relay-test", payload: { n } }),
  ...(headers === undefined ? {} : { headers })
})

const bodyOf = (message: DeliveredMessage) => JSON.parse(new TextDecoder().decode(message.value))

/** Per key, the payload numbers in the order the bus holds them. */
const orderByKey = (messages: ReadonlyArray<DeliveredMessage>): Map<string, Array<number>> => {
  const byKey = new Map<string, Array<number>>()
  const sorted = [...messages].sort((a, b) => a.partition - b.partition || a.offset - b.offset)
  for (const message of sorted) byKey.set(message.key, [...(byKey.get(message.key) ?? []), bodyOf(message).payload.n])
  return byKey
}

const drained = (timeoutMs = deadlineMs) =>
  Effect.gen(function* () {
    const outbox = yield* OutboxReader
    let left = -1
    yield* waitUntilEffect(
      Effect.map(outbox.pending(10_000), (pending) => (left = pending.length) === 0),
      { timeoutMs, describe: () => `${left} entries still pending` }
    )
  })

/** Waits until `count` messages are on `topic`, then until the outbox has nothing left. */
const publishedAndDrained = (topic: string, count: number) =>
  Effect.gen(function* () {
    yield* waitUntil(() => topicLog(topic).length >= count, { timeoutMs: deadlineMs, describe: () => `${topicLog(topic).length} of ${count} published` })
    yield* drained()
  })

describe("outbox relay: Redis outbox onto the in-memory bus", () => {
  test(
    "a pass reads at most defaultRelayMaxBatch entries, so a relay that fell behind never asks Redis for all of them at once",
    async () => {
      const topic = newTopic("bounded")
      await inProcess(unique("outbox"), async (app) => {
        const events = Array.from({ length: defaultRelayMaxBatch + 50 }, (_, i) => eventFor(topic, `cart-bounded-${i % 7}`, i))
        await app.runPromise(Effect.flatMap(StateStore, (store) => store.commit({ events })))
        assertEqual(await app.runPromise(relayOnce()), defaultRelayMaxBatch, "the first pass: one bounded read")
        assertEqual(await app.runPromise(relayOnce()), 50, "the next pass: the rest")
        assertEqual(topicLog(topic).length, defaultRelayMaxBatch + 50, "every entry published once")
      })
    },
    testTimeoutMs
  )

  test(
    "publishes an envelope as the text the outbox holds, without encoding it again",
    async () => {
      const topic = newTopic("as-stored")
      const outboxName = unique("outbox")
      const envelope = eventFor(topic, "cart-as-stored", 7).envelope
      // Indented, as no writer of this store writes it: only a relay that passes the text through publishes these bytes.
      const stored = JSON.stringify(envelope, null, 1)
      const { url } = await testRedis()
      const client = createClient({ url })
      client.on("error", () => {})
      await client.connect()
      try {
        await client.xAdd(runPrefix + outboxStreamKey(outboxName), "*", { topic, key: "cart-as-stored", envelope: stored, headers: "{}" })
      } finally {
        client.destroy()
      }
      await inProcess(outboxName, async (app) => {
        assertEqual(await app.runPromise(relayOnce()), 1, "one entry relayed")
      })
      const [message] = topicLog(topic)
      assertEqual(new TextDecoder().decode(message!.value), stored, "the stored text, byte for byte")
      assertEqual(message!.headers[Headers.eventName], "cart.item_added", "headers from the parsed envelope")
      assertEqual(message!.headers[Headers.correlationId], envelope.correlation_id, "correlation_id header")
    },
    testTimeoutMs
  )

  test(
    "publishes committed events in order with their headers, then trims them from the stream",
    async () => {
      const topic = newTopic("order")
      const outboxName = unique("outbox")
      const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
      await inProcess(outboxName, async (app) => {
        await app.runPromise(
          Effect.scoped(
            Effect.gen(function* () {
              const store = yield* StateStore
              yield* Effect.forkScoped(runRelay({ idleWaitMs: 60_000 }))
              const writes: Array<AtomicWrite> = []
              for (let i = 0; i < 30; i++) {
                const key = `cart-${i % 4}`
                writes.push({
                  ops: [{ op: "set", key: `${outboxName}:state:${key}`, value: String(i) }],
                  events: [eventFor(topic, key, i, { [Headers.traceparent]: traceparent, "x-tenant": "acme" })]
                })
              }
              // Sequential commits: the relay is parked in its blocking read between them and wakes on each.
              for (const write of writes) yield* store.commit(write)
              yield* publishedAndDrained(topic, 30)
            })
          )
        )
        const log = topicLog(topic)
        assertEqual(log.length, 30, "published once each")
        const byKey = orderByKey(log)
        for (let k = 0; k < 4; k++) {
          assertEqual(byKey.get(`cart-${k}`), Array.from({ length: 30 }, (_, i) => i).filter((i) => i % 4 === k), `order of cart-${k}`)
        }
        for (const message of log) {
          const envelope = bodyOf(message)
          assertEqual(message.headers[Headers.correlationId], envelope.correlation_id, "correlation_id header")
          assertEqual(message.headers[Headers.eventName], "cart.item_added", "event_name header")
          assertEqual(message.headers[Headers.contentType], "application/json", "content-type header")
          assertEqual(message.headers["x-tenant"], "acme", "extra header kept")
          // The relay's producer span is a child of the writer's span: same trace, new span.
          assertEqual(parseTraceparent(message.headers[Headers.traceparent])?.traceId, "4bf92f3577b34da6a3ce929d0e0e4736", "trace id carried")
          assertEqual(message.key, envelope.aggregate_id, "key")
        }
        assertEqual(await streamLength(outboxName), 0, "acknowledged entries are gone from the stream")
      })
    },
    testTimeoutMs
  )

  test(
    "a relay that died after the commit and before publishing is made good by a fresh relay, each event once",
    async () => {
      const topic = newTopic("crash")
      const outboxName = unique("outbox")
      const sent: Array<string> = []
      await inProcess(outboxName, async (crashed) => {
        await crashed.runPromise(
          Effect.gen(function* () {
            const store = yield* StateStore
            const outbox = yield* OutboxReader
            for (let i = 0; i < 50; i++) {
              const event = eventFor(topic, `cart-${i % 5}`, i)
              sent.push(event.envelope.event_id)
              yield* store.commit({ ops: [{ op: "incrementBy", key: `${outboxName}:writes`, by: 1 }], events: [event] })
            }
            // The old relay got as far as reading the outbox, then the process died.
            assertEqual((yield* outbox.pending(500)).length, 50, "all pending before the crash")
          })
        )
      })
      assertEqual(topicLog(topic).length, 0, "nothing published before the new relay")
      assertEqual(await streamLength(outboxName), 50, "the outbox kept everything")

      await inProcess(outboxName, async (restarted) => {
        await restarted.runPromise(
          Effect.scoped(
            Effect.gen(function* () {
              yield* Effect.forkScoped(runRelay({ idleWaitMs: 60_000, maxBatch: 7 }))
              yield* publishedAndDrained(topic, 50)
            })
          )
        )
      })
      const published = topicLog(topic).map((m) => bodyOf(m).event_id as string)
      assertEqual(published.length, 50, "each event published once")
      assertEqual([...new Set(published)].sort(), [...sent].sort(), "exactly the committed events")
      const byKey = orderByKey(topicLog(topic))
      for (let k = 0; k < 5; k++) {
        assertEqual(byKey.get(`cart-${k}`), Array.from({ length: 50 }, (_, i) => i).filter((i) => i % 5 === k), `order of cart-${k}`)
      }
      assertEqual(await streamLength(outboxName), 0, "trimmed after publishing")
    },
    testTimeoutMs
  )

  test(
    "a relay that died after publishing and before acknowledging publishes again, and the consumer applies it once",
    async () => {
      const topic = newTopic("redo")
      const outboxName = unique("outbox")
      const group = unique("group")
      const counter = (id: string) => `${outboxName}:applied:${id}`
      const ids: Array<string> = []
      await inProcess(outboxName, async (crashed) => {
        await crashed.runPromise(
          Effect.gen(function* () {
            const store = yield* StateStore
            const outbox = yield* OutboxReader
            const bus = yield* EventBus
            for (let i = 0; i < 10; i++) {
              const event = eventFor(topic, `cart-${i % 2}`, i)
              ids.push(event.envelope.event_id)
              yield* store.commit({ events: [event] })
            }
            // What relayOnce does, minus the acknowledge: the process dies right after the bus acked.
            const pending = yield* outbox.pending(500)
            yield* bus.publish(pending.map((p) => toBusMessage(p.event)))
          })
        )
      })
      await inProcess(outboxName, async (restarted) => {
        await restarted.runPromise(
          Effect.scoped(
            Effect.gen(function* () {
              const store = yield* StateStore
              const consumer = yield* runConsumer({
                group,
                topics: [topic],
                handler: (event) => Effect.succeed({ ops: [{ op: "incrementBy" as const, key: counter(event.envelope.event_id), by: 1 }] })
              })
              yield* consumer.ready
              assertEqual(yield* relayOnce(), 10, "the new relay publishes the unacknowledged entries again")
              yield* drained()
              let applied: ReadonlyArray<string | undefined> = []
              yield* waitUntilEffect(
                Effect.map(store.getMany(ids.map(counter)), (values) => (applied = values).every((v) => v !== undefined)),
                { timeoutMs: deadlineMs, describe: () => `applied ${JSON.stringify(applied)}` }
              )
              yield* waitUntilEffect(
                Effect.map(store.processed(group, ids), (done) => done.size === ids.length),
                { timeoutMs: deadlineMs, describe: () => "not every event marked processed" }
              )
              // The duplicates sit after the originals: wait until the group has consumed all 20.
              yield* waitUntil(() => broker.lag(group, [topic]).reduce((sum, p) => sum + p.committed, 0) >= 20, {
                timeoutMs: deadlineMs,
                describe: () => `lag ${JSON.stringify(broker.lag(group, [topic]))}`
              })
              assertEqual([...(yield* store.getMany(ids.map(counter)))], ids.map(() => "1"), "each event applied once")
            })
          )
        )
      })
      assertEqual(topicLog(topic).length, 20, "published twice (at-least-once)")
    },
    testTimeoutMs
  )

  test(
    "1,000 concurrent commits with events are all drained, in outbox order per key",
    async () => {
      const topic = newTopic("storm")
      const outboxName = unique("outbox")
      await inProcess(outboxName, async (app) => {
        const outboxOrder = await app.runPromise(
          Effect.gen(function* () {
            const store = yield* StateStore
            const outbox = yield* OutboxReader
            yield* Effect.forEach(
              Array.from({ length: 1_000 }, (_, i) => i),
              (i) =>
                store.commit({
                  ops: [{ op: "incrementBy", key: `${outboxName}:count:${i % 20}`, by: 1 }],
                  events: [eventFor(topic, `cart-${i % 20}`, i)]
                }),
              { concurrency: "unbounded", discard: true }
            )
            const counts = yield* store.getMany(Array.from({ length: 20 }, (_, k) => `${outboxName}:count:${k}`))
            assertEqual([...counts], Array.from({ length: 20 }, () => "50"), "every commit's state applied")
            return yield* outbox.pending(5_000)
          })
        )
        assertEqual(outboxOrder.length, 1_000, "all in the outbox")
        const expected = new Map<string, Array<number>>()
        for (const entry of outboxOrder) expected.set(entry.event.key, [...(expected.get(entry.event.key) ?? []), entry.event.envelope.payload.n as number])

        await app.runPromise(
          Effect.scoped(
            Effect.gen(function* () {
              yield* Effect.forkScoped(runRelay({ idleWaitMs: 60_000, maxBatch: 300 }))
              yield* publishedAndDrained(topic, 1_000)
            })
          )
        )
        const log = topicLog(topic)
        assertEqual(log.length, 1_000, "each published once")
        assertEqual(new Set(log.map((m) => bodyOf(m).event_id)).size, 1_000, "distinct events")
        const actual = orderByKey(log)
        for (const [key, order] of expected) assertEqual(actual.get(key), order, `outbox order of ${key}`)
        assert(actual.size === 20, `20 keys published, got ${actual.size}`)
        assertEqual(await streamLength(outboxName), 0, "trimmed")
      })
    },
    testTimeoutMs
  )
})
