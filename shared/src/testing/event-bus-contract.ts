/**
 * The EventBus contract: one suite every bus adapter must pass unchanged (memory and Kafka), with
 * the consumer runtime on top where the property is the runtime's (duplicates, dead letters,
 * exactly-once effect across membership changes and races). Dead letters go through the outbox, so
 * the cases that expect them run a relay. Framework-free: a test file registers each case.
 */
import { Effect } from "effect"
import type { Scope } from "effect"
import { makeEnvelope, Headers, type Envelope } from "../envelope.ts"
import { EventBus, type BusMessage, type DeliveredMessage, type Subscription } from "../event-bus.ts"
import { DlqHeaders, runConsumer } from "../consumer-runtime.ts"
import { OutboxReader, toBusMessage } from "../outbox.ts"
import type { OutboxBacklog } from "../outbox-backlog.ts"
import type { OutboxLease } from "../outbox-lease.ts"
import { runRelay } from "../outbox-relay.ts"
import { StateStore } from "../state-store.ts"
import { dlqTopic } from "../topics.ts"
import type { ContractCase } from "./contract.ts"
import { assert, assertEqual, waitUntil, waitUntilEffect } from "./eventually.ts"

export interface EventBusHarness {
  /** Creates a fresh topic (and its DLQ) for one case; returns its real name. */
  readonly topic: (base: string, partitions?: number) => Promise<string>
  /** A group name no other case uses. */
  readonly group: (base: string) => string
  readonly run: <A, E>(effect: Effect.Effect<A, E, EventBus | StateStore | OutboxReader | OutboxLease | OutboxBacklog | Scope.Scope>) => Promise<A>
  /** Deadline for conditions; a broker needs longer than memory (rebalances, session timeouts). */
  readonly timeoutMs: number
}

const text = new TextEncoder()
const read = new TextDecoder()

const raw = (topic: string, key: string, body: unknown, headers: Record<string, string> = {}): BusMessage => ({
  topic,
  key,
  value: text.encode(JSON.stringify(body)),
  headers
})

const bodyOf = (message: DeliveredMessage): Record<string, unknown> => JSON.parse(read.decode(message.value))

const envelope = (key: string, payload: Record<string, unknown>, eventId?: string): Envelope =>
  makeEnvelope({
    eventName: "test.happened",
    aggregateId: key,
    correlationId: `corr_${key}`,
    producer: "contract",
    payload,
    ...(eventId === undefined ? {} : { eventId })
  })

const asMessage = (topic: string, e: Envelope): BusMessage => toBusMessage({ topic, key: e.aggregate_id, envelope: e })

/** Subscribes with a handler that records every delivered message. */
const collect = (group: string, topics: ReadonlyArray<string>, onMessage?: (message: DeliveredMessage) => Effect.Effect<void>) =>
  Effect.gen(function* () {
    const bus = yield* EventBus
    const seen: Array<DeliveredMessage> = []
    const subscription: Subscription = yield* bus.subscribe({
      group,
      topics,
      handle: (batch) =>
        Effect.forEach(batch.messages, (message) => {
          seen.push(message)
          return onMessage === undefined ? Effect.void : onMessage(message)
        }, { discard: true })
    })
    yield* subscription.ready
    return { seen, subscription }
  })

interface CountingOptions {
  /** Fails (typed) on these. */
  readonly failWhen?: (e: Envelope) => boolean
  /** Throws on these: a bug in the handler, not a typed failure. */
  readonly throwWhen?: (e: Envelope) => boolean
  /** Never finishes these (until the subscription is interrupted). */
  readonly blockWhen?: (e: Envelope) => boolean
  readonly attempts?: number
}

/** Counts effects in the StateStore so "applied once" is checked where the effect lives. */
const countingConsumer = (group: string, topic: string, prefix: string, options: CountingOptions = {}) =>
  runConsumer({
    group,
    topics: [topic],
    retry: { attempts: options.attempts ?? 3, baseDelayMs: 5, maxDelayMs: 20 },
    handler: (event) => {
      if (options.throwWhen?.(event.envelope) === true) throw new TypeError("cannot read the odd payload")
      if (options.blockWhen?.(event.envelope) === true) return Effect.never
      return options.failWhen?.(event.envelope) === true
        ? Effect.fail({ _tag: "Boom", message: "handler exploded" })
        : Effect.succeed({
            ops: [
              { op: "incrementBy" as const, key: `${prefix}:count:${event.envelope.event_id}`, by: 1 },
              { op: "incrementBy" as const, key: `${prefix}:total`, by: 1 }
            ]
          })
    }
  })

/** Publishes what the outbox holds (dead letters among it) for as long as the case runs. */
const relay = Effect.forkScoped(runRelay({ idleWaitMs: 100 }))

/** Resolves once the outbox is empty: everything written so far is on the bus. */
const outboxDrained = (timeoutMs: number) =>
  Effect.flatMap(OutboxReader, (reader) =>
    waitUntilEffect(Effect.map(reader.pending(1), (pending) => pending.length === 0), { timeoutMs, describe: () => "the outbox still holds entries" })
  )

const storeNumber = (key: string) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    return Number((yield* store.get(key)) ?? "0")
  })

export const eventBusContract: ReadonlyArray<ContractCase<EventBusHarness>> = [
  {
    name: "keeps the order of messages with the same key",
    run: async (h) => {
      const topic = await h.topic("order", 3)
      await h.run(
        Effect.gen(function* () {
          const bus = yield* EventBus
          const { seen } = yield* collect(h.group("order"), [topic])
          for (let round = 0; round < 10; round++) {
            const batch: Array<BusMessage> = []
            for (let seq = round * 5; seq < round * 5 + 5; seq++) for (let k = 0; k < 10; k++) batch.push(raw(topic, `key-${k}`, { seq }))
            yield* bus.publish(batch)
          }
          yield* waitUntil(() => seen.length >= 500, { timeoutMs: h.timeoutMs, describe: () => `${seen.length} of 500 delivered` })
          const byKey = new Map<string, Array<number>>()
          for (const message of seen) byKey.set(message.key, [...(byKey.get(message.key) ?? []), bodyOf(message).seq as number])
          for (let k = 0; k < 10; k++) assertEqual(byKey.get(`key-${k}`), Array.from({ length: 50 }, (_, i) => i), `order of key-${k}`)
        })
      )
    }
  },
  {
    name: "gives every message to each of two groups",
    run: async (h) => {
      const topic = await h.topic("groups", 3)
      await h.run(
        Effect.gen(function* () {
          const bus = yield* EventBus
          const a = yield* collect(h.group("groups-a"), [topic])
          const b = yield* collect(h.group("groups-b"), [topic])
          yield* bus.publish(Array.from({ length: 60 }, (_, i) => raw(topic, `k${i % 7}`, { i })))
          const complete = () => a.seen.length >= 60 && b.seen.length >= 60
          yield* waitUntil(complete, { timeoutMs: h.timeoutMs, describe: () => `a=${a.seen.length} b=${b.seen.length}` })
          for (const side of [a, b]) assertEqual(new Set(side.seen.map((m) => bodyOf(m).i)).size, 60, "distinct messages per group")
        })
      )
    }
  },
  {
    name: "splits the partitions between two members of one group, each message handled once",
    run: async (h) => {
      const topic = await h.topic("split", 3)
      await h.run(
        Effect.gen(function* () {
          const bus = yield* EventBus
          const group = h.group("split")
          const a = yield* collect(group, [topic])
          const b = yield* collect(group, [topic])
          let last = ""
          yield* waitUntilEffect(
            Effect.gen(function* () {
              const pa = yield* a.subscription.assignments
              const pb = yield* b.subscription.assignments
              last = `a=${JSON.stringify(pa)} b=${JSON.stringify(pb)}`
              const all = new Set([...pa, ...pb].map((tp) => tp.partition))
              return pa.length > 0 && pb.length > 0 && pa.length + pb.length === 3 && all.size === 3
            }),
            { timeoutMs: h.timeoutMs, describe: () => last }
          )
          yield* bus.publish(Array.from({ length: 90 }, (_, i) => raw(topic, `key-${i}`, { i })))
          yield* waitUntil(() => a.seen.length + b.seen.length >= 90, {
            timeoutMs: h.timeoutMs,
            describe: () => `a=${a.seen.length} b=${b.seen.length}`
          })
          const ids = [...a.seen, ...b.seen].map((m) => bodyOf(m).i)
          assertEqual(ids.length, 90, "deliveries in total")
          assertEqual(new Set(ids).size, 90, "distinct messages")
          assert(a.seen.length > 0 && b.seen.length > 0, `both members received messages (a=${a.seen.length}, b=${b.seen.length})`)
          const partitionsA = new Set(a.seen.map((m) => m.partition))
          for (const m of b.seen) assert(!partitionsA.has(m.partition), `partition ${m.partition} was consumed by both members`)
        })
      )
    }
  },
  {
    name: "redelivers to another member what a member held without committing when it stopped",
    run: async (h) => {
      const topic = await h.topic("redeliver", 1)
      await h.run(
        Effect.gen(function* () {
          const bus = yield* EventBus
          const group = h.group("redeliver")
          const a = yield* collect(group, [topic], () => Effect.never)
          yield* bus.publish([raw(topic, "k", { n: 1 })])
          yield* waitUntil(() => a.seen.length === 1, { timeoutMs: h.timeoutMs, describe: () => `a saw ${a.seen.length}` })
          const b = yield* collect(group, [topic])
          yield* a.subscription.abort
          yield* waitUntil(() => b.seen.length >= 1, { timeoutMs: h.timeoutMs, describe: () => `b saw ${b.seen.length}` })
          assertEqual(bodyOf(b.seen[0]!), { n: 1 }, "redelivered message")
          assertEqual(b.seen[0]!.offset, a.seen[0]!.offset, "same offset")
        })
      )
    }
  },
  {
    name: "applies every effect exactly once while members leave and join mid-stream",
    run: async (h) => {
      const topic = await h.topic("churn", 3)
      const group = h.group("churn")
      const prefix = `contract:${group}`
      await h.run(
        Effect.gen(function* () {
          const bus = yield* EventBus
          const sent: Array<string> = []
          const publish = (from: number) =>
            Effect.gen(function* () {
              const batch = Array.from({ length: 100 }, (_, i) => envelope(`s${(from + i) % 13}`, { i: from + i }))
              for (const e of batch) sent.push(e.event_id)
              yield* bus.publish(batch.map((e) => asMessage(topic, e)))
            })
          const a = yield* countingConsumer(group, topic, prefix)
          yield* a.ready
          yield* publish(0)
          const b = yield* countingConsumer(group, topic, prefix)
          yield* b.ready
          yield* publish(100)
          yield* a.stop
          yield* publish(200)
          let total = 0
          yield* waitUntilEffect(Effect.map(storeNumber(`${prefix}:total`), (n) => (total = n) >= 300), {
            timeoutMs: h.timeoutMs * 2,
            describe: () => `total effects ${total}`
          })
          const store = yield* StateStore
          const counts = yield* store.getMany(sent.map((id) => `${prefix}:count:${id}`))
          assert(counts.every((c) => c === "1"), `each effect once; got ${JSON.stringify(counts.filter((c) => c !== "1").slice(0, 5))}`)
          assertEqual(yield* storeNumber(`${prefix}:total`), 300, "total effects")
        })
      )
    }
  },
  {
    name: "applies a duplicate event_id's effect once",
    run: async (h) => {
      const topic = await h.topic("dupes", 3)
      const group = h.group("dupes")
      const prefix = `contract:${group}`
      await h.run(
        Effect.gen(function* () {
          const bus = yield* EventBus
          const consumer = yield* countingConsumer(group, topic, prefix)
          yield* consumer.ready
          const e = envelope("s1", { n: 1 })
          const sentinel = envelope("s1", { n: 2 })
          yield* bus.publish([asMessage(topic, e)])
          yield* bus.publish([asMessage(topic, e), asMessage(topic, e), asMessage(topic, sentinel)])
          yield* waitUntilEffect(Effect.map(storeNumber(`${prefix}:count:${sentinel.event_id}`), (n) => n === 1), {
            timeoutMs: h.timeoutMs,
            describe: () => "sentinel not yet processed"
          })
          assertEqual(yield* storeNumber(`${prefix}:count:${e.event_id}`), 1, "effect of the duplicated event")
          assertEqual(yield* storeNumber(`${prefix}:total`), 2, "effects in total")
        })
      )
    }
  },
  {
    name: "sends a message whose handler keeps failing to <topic>.dlq with the error headers, and the partition flows on",
    run: async (h) => {
      const topic = await h.topic("poison", 1)
      const group = h.group("poison")
      const prefix = `contract:${group}`
      await h.run(
        Effect.gen(function* () {
          const bus = yield* EventBus
          yield* relay
          const consumer = yield* countingConsumer(group, topic, prefix, { failWhen: (e) => e.payload.poison === true, attempts: 3 })
          yield* consumer.ready
          const dlq = yield* collect(h.group("poison-dlq"), [dlqTopic(topic)])
          const poison = envelope("s1", { poison: true })
          const good = envelope("s1", { poison: false })
          yield* bus.publish([asMessage(topic, poison), asMessage(topic, good)])
          yield* waitUntilEffect(Effect.map(storeNumber(`${prefix}:count:${good.event_id}`), (n) => n === 1), {
            timeoutMs: h.timeoutMs,
            describe: () => "the message after the poison one was not processed"
          })
          yield* waitUntil(() => dlq.seen.length >= 1, { timeoutMs: h.timeoutMs, describe: () => `dlq has ${dlq.seen.length}` })
          const letter = dlq.seen[0]!
          assertEqual(JSON.parse(read.decode(letter.value)).event_id, poison.event_id, "dead letter is the poison message")
          assertEqual(letter.key, "s1", "dead letter keeps the original key")
          assert((letter.headers[DlqHeaders.error] ?? "").includes("handler exploded"), `error header: ${letter.headers[DlqHeaders.error]}`)
          assertEqual(letter.headers[DlqHeaders.group], group, "group header")
          assertEqual(letter.headers[DlqHeaders.topic], topic, "topic header")
          assertEqual(letter.headers[DlqHeaders.partition], "0", "partition header")
          assertEqual(letter.headers[DlqHeaders.offset], "0", "offset header")
          assertEqual(letter.headers[DlqHeaders.attempts], "3", "attempts header")
          assertEqual(letter.headers[Headers.correlationId], poison.correlation_id, "original headers kept")
          assertEqual(yield* storeNumber(`${prefix}:count:${poison.event_id}`), 0, "no effect of the poison message")
        })
      )
    }
  },
  {
    name: "dead-letters a message whose handler throws (a defect), with the error headers, and handles the later ones",
    run: async (h) => {
      const topic = await h.topic("defect", 1)
      const group = h.group("defect")
      const prefix = `contract:${group}`
      await h.run(
        Effect.gen(function* () {
          const bus = yield* EventBus
          yield* relay
          const consumer = yield* countingConsumer(group, topic, prefix, { throwWhen: (e) => e.payload.odd === true, attempts: 3 })
          yield* consumer.ready
          const dlq = yield* collect(h.group("defect-dlq"), [dlqTopic(topic)])
          const odd = envelope("s1", { odd: true })
          const later = envelope("s1", { odd: false })
          yield* bus.publish([asMessage(topic, odd), asMessage(topic, later)])
          yield* waitUntilEffect(Effect.map(storeNumber(`${prefix}:count:${later.event_id}`), (n) => n === 1), {
            timeoutMs: h.timeoutMs,
            describe: () => "the message after the one whose handler throws was not handled"
          })
          yield* waitUntil(() => dlq.seen.length >= 1, { timeoutMs: h.timeoutMs, describe: () => `dlq has ${dlq.seen.length}` })
          const letter = dlq.seen[0]!
          assertEqual(JSON.parse(read.decode(letter.value)).event_id, odd.event_id, "dead letter is the message whose handler throws")
          assertEqual(letter.key, "s1", "dead letter keeps the original key")
          const error = letter.headers[DlqHeaders.error] ?? ""
          assert(error.startsWith("HandlerDefect") && error.includes("TypeError: cannot read the odd payload"), `error header: ${error}`)
          assertEqual(letter.headers[DlqHeaders.group], group, "group header")
          assertEqual(letter.headers[DlqHeaders.topic], topic, "topic header")
          assertEqual(letter.headers[DlqHeaders.offset], "0", "offset header")
          assertEqual(letter.headers[DlqHeaders.attempts], "3", "retried like any failure")
          assertEqual(yield* storeNumber(`${prefix}:total`), 1, "only the later message had an effect")
        })
      )
    }
  },
  {
    name: "dead-letters a message once when its member crashes right after and the batch is redelivered",
    run: async (h) => {
      const topic = await h.topic("dlq-once", 1)
      const group = h.group("dlq-once")
      const prefix = `contract:${group}`
      await h.run(
        Effect.gen(function* () {
          const bus = yield* EventBus
          yield* relay
          const dlq = yield* collect(h.group("dlq-once-dlq"), [dlqTopic(topic)])
          const poison = envelope("s1", { poison: true })
          const stuck = envelope("s1", { stuck: true })
          const isPoison = (e: Envelope) => e.payload.poison === true
          // The first member dead-letters the poison message, then hangs on the next one: its batch is
          // never committed, as when a process dies right after dead-lettering.
          const first = yield* countingConsumer(group, topic, prefix, { failWhen: isPoison, blockWhen: (e) => e.payload.stuck === true, attempts: 2 })
          yield* first.ready
          yield* bus.publish([asMessage(topic, poison), asMessage(topic, stuck)])
          yield* waitUntil(() => dlq.seen.length >= 1, { timeoutMs: h.timeoutMs, describe: () => "the poison message was not dead-lettered" })
          yield* first.abort
          const second = yield* countingConsumer(group, topic, prefix, { failWhen: isPoison, attempts: 2 })
          yield* second.ready
          yield* waitUntilEffect(Effect.map(storeNumber(`${prefix}:count:${stuck.event_id}`), (n) => n === 1), {
            timeoutMs: h.timeoutMs * 2,
            describe: () => "the redelivered batch was not handled"
          })
          // Any second letter was written before the later message was handled; once the outbox is
          // empty it is on the DLQ, ahead of this sentinel (same key, same partition).
          yield* outboxDrained(h.timeoutMs)
          yield* bus.publish([raw(dlqTopic(topic), "s1", { sentinel: true })])
          yield* waitUntil(() => dlq.seen.some((m) => bodyOf(m).sentinel === true), { timeoutMs: h.timeoutMs, describe: () => "no sentinel on the DLQ" })
          const letters = dlq.seen.filter((m) => bodyOf(m).sentinel !== true)
          assertEqual(letters.map((m) => bodyOf(m).event_id), [poison.event_id], "dead letters")
          assertEqual(yield* storeNumber(`${prefix}:total`), 1, "effects in total")
        })
      )
    }
  },
  {
    name: "applies an event once when two handlers race on it (both passed the processed check)",
    run: async (h) => {
      const left = await h.topic("race-left", 1)
      const right = await h.topic("race-right", 1)
      const group = h.group("race")
      const prefix = `contract:${group}`
      const out = await h.topic("race-out", 1)
      await h.run(
        Effect.gen(function* () {
          const bus = yield* EventBus
          const reader = yield* OutboxReader
          let started = 0
          // One event reaches the group twice at once (as when two members briefly hold the same
          // offsets); each handler waits for the other, so both have read "not processed" before
          // either writes.
          const consumer = yield* runConsumer({
            group,
            topics: [left, right],
            handler: (event) =>
              Effect.gen(function* () {
                started++
                yield* Effect.ignore(waitUntil(() => started >= 2, { timeoutMs: h.timeoutMs, describe: () => "the rival handler did not start" }))
                return {
                  ops: [{ op: "incrementBy" as const, key: `${prefix}:total`, by: 1 }],
                  events: [{ topic: out, key: event.envelope.aggregate_id, envelope: envelope(event.envelope.aggregate_id, { caused: event.envelope.event_id }) }]
                }
              })
          })
          yield* consumer.ready
          const e = envelope("s1", { n: 1 })
          yield* bus.publish([asMessage(left, e), asMessage(right, e)])
          yield* waitUntilEffect(Effect.map(storeNumber(`${prefix}:total`), (n) => n >= 1), {
            timeoutMs: h.timeoutMs,
            describe: () => "the event was not handled"
          })
          yield* waitUntil(() => started >= 2, { timeoutMs: h.timeoutMs, describe: () => `${started} handler(s) started` })
          // The loser's commit answers "duplicate" at once; wait until both deliveries were settled.
          yield* consumer.stop
          assertEqual(yield* storeNumber(`${prefix}:total`), 1, "state effect applied once")
          const emitted = (yield* reader.pending(10_000)).filter((p) => p.event.topic === out)
          assertEqual(emitted.length, 1, "outgoing events written once")
        })
      )
    }
  },
  {
    name: "sends undecodable bytes to the DLQ at once",
    run: async (h) => {
      const topic = await h.topic("garbage", 1)
      const group = h.group("garbage")
      const prefix = `contract:${group}`
      await h.run(
        Effect.gen(function* () {
          const bus = yield* EventBus
          yield* relay
          const consumer = yield* countingConsumer(group, topic, prefix)
          yield* consumer.ready
          const dlq = yield* collect(h.group("garbage-dlq"), [dlqTopic(topic)])
          const good = envelope("s1", { n: 1 })
          yield* bus.publish([
            { topic, key: "s1", value: new Uint8Array([0xff, 0xfe, 0x00, 0x41]), headers: {} },
            raw(topic, "s1", { not: "an envelope" }),
            asMessage(topic, good)
          ])
          yield* waitUntil(() => dlq.seen.length >= 2, { timeoutMs: h.timeoutMs, describe: () => `dlq has ${dlq.seen.length}` })
          assertEqual([...dlq.seen[0]!.value], [0xff, 0xfe, 0x00, 0x41], "bytes kept as they were")
          assertEqual(dlq.seen[0]!.headers[DlqHeaders.attempts], "0", "not retried")
          assert((dlq.seen[1]!.headers[DlqHeaders.error] ?? "").includes("not an envelope"), "schema-invalid reason")
          yield* waitUntilEffect(Effect.map(storeNumber(`${prefix}:total`), (n) => n === 1), {
            timeoutMs: h.timeoutMs,
            describe: () => "the good message was not processed"
          })
        })
      )
    }
  },
  {
    name: "carries key, correlation_id, traceparent and the other headers intact",
    run: async (h) => {
      const topic = await h.topic("headers", 3)
      await h.run(
        Effect.gen(function* () {
          const bus = yield* EventBus
          const { seen } = yield* collect(h.group("headers"), [topic])
          const e = envelope("sess_headers", { n: 1 })
          const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
          yield* bus.publish([toBusMessage({ topic, key: e.aggregate_id, envelope: e, headers: { [Headers.traceparent]: traceparent } })])
          yield* waitUntil(() => seen.length >= 1, { timeoutMs: h.timeoutMs, describe: () => "nothing delivered" })
          const message = seen[0]!
          assertEqual(message.key, "sess_headers", "key")
          assertEqual(message.headers[Headers.correlationId], e.correlation_id, "correlation_id header")
          assertEqual(message.headers[Headers.traceparent], traceparent, "traceparent header")
          assertEqual(message.headers[Headers.eventName], "test.happened", "event_name header")
          assertEqual(message.headers[Headers.contentType], "application/json", "content-type header")
          assertEqual(JSON.parse(read.decode(message.value)), e, "envelope")
        })
      )
    }
  }
]
