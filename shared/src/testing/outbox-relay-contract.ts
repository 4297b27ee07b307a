/**
 * The outbox relay's contract over a store and a bus (SPEC §5), one suite every pair of adapters must
 * pass unchanged (memory store and bus; Redis and Kafka): the lease (one holder at a time, renewed,
 * taken over when it lapses or is released), the backlog and dead place, and the relay itself: a
 * poison entry is set aside and the entries behind it are published; a relay whose publish keeps
 * failing reports itself failing and recovers, and gives its lease up to another instance; a defect
 * in a pass does not kill it; a batch too big for one publish goes out in chunks. Framework-free: a
 * test file registers each case.
 */
import { Effect, Fiber } from "effect"
import { makeEnvelope } from "../envelope.ts"
import { type DeliveredMessage, EventBus, EventBusAdmin, EventBusUnavailable } from "../event-bus.ts"
import { OutboxBacklog } from "../outbox-backlog.ts"
import { OutboxLease } from "../outbox-lease.ts"
import { runRelay } from "../outbox-relay.ts"
import { defaultOutboxMaxAgeMs, makeRelayStatus, relayHealth } from "../outbox-relay-status.ts"
import { type OutboxEvent, OutboxReader } from "../outbox.ts"
import { StateStore } from "../state-store.ts"
import { type ContractCase, type OpenHarness, type Opened, withOpened } from "./contract.ts"
import { assert, assertEqual, waitUntil, waitUntilEffect } from "./eventually.ts"

export type RelayServices = EventBus | EventBusAdmin | StateStore | OutboxReader | OutboxLease | OutboxBacklog

/** One process: a store on its outbox and a bus; several opened on one outbox share it, as processes over one server do. */
export type RelayProcess = Opened<RelayServices>

export interface OutboxRelayHarness extends OpenHarness<RelayServices> {
  /** Writes one entry into the outbox that can never be published (unreadable, or not encodable), as the store can hold one. */
  readonly writePoison: (process: RelayProcess, outbox: string, topic: string) => Promise<void>
  readonly timeoutMs: number
}

export type RelayContractCase = ContractCase<OutboxRelayHarness>

const eventFor = (topic: string, key: string, n: number, payload: Record<string, unknown> = {}): OutboxEvent => ({
  topic,
  key,
  envelope: makeEnvelope({ eventName: "test.happened", aggregateId: key, correlationId: `corr_${key}`, producer: "relay-contract", payload: { n, ...payload } })
})

const decoder = new TextDecoder()
const numbersOf = (messages: ReadonlyArray<DeliveredMessage>): Array<number> =>
  messages.map((m) => JSON.parse(decoder.decode(m.value)).payload.n as number)

const createTopic = (name: string) => Effect.flatMap(EventBusAdmin, (admin) => admin.ensureTopics([{ name, partitions: 1, replicationFactor: 1 }]))

/** Waits until `topic` holds `count` messages; returns them in offset order. */
const awaitPublished = (topic: string, count: number, timeoutMs: number) =>
  Effect.gen(function* () {
    const admin = yield* EventBusAdmin
    let seen: ReadonlyArray<DeliveredMessage> = []
    yield* waitUntilEffect(
      Effect.map(admin.readTopic(topic), (messages) => (seen = messages).length >= count),
      { timeoutMs, intervalMs: 50, describe: () => `${seen.length} of ${count} on ${topic}` }
    )
    return [...seen].sort((a, b) => a.offset - b.offset)
  })

export const outboxRelayContract: ReadonlyArray<RelayContractCase> = [
  {
    name: "lease: one holder at a time; the holder renews it; released, another takes it",
    run: async (h) => {
      const outbox = h.name("lease")
      await withOpened(h, outbox, (a) =>
        withOpened(h, outbox, async (b) => {
          const hold = (p: RelayProcess, ttl = 10_000) => p.run(Effect.flatMap(OutboxLease, (lease) => lease.hold(ttl)))
          assertEqual(await hold(a), true, "the first taker holds it")
          assertEqual(await hold(b), false, "a second one does not")
          assertEqual(await hold(a), true, "the holder renews it")
          await b.run(Effect.flatMap(OutboxLease, (lease) => lease.release))
          assertEqual(await hold(b), false, "a non-holder's release leaves it held")
          await a.run(Effect.flatMap(OutboxLease, (lease) => lease.release))
          assertEqual(await hold(b), true, "released, the other takes it")
          assertEqual(await hold(a), false, "and the old holder cannot renew it back")
        })
      )
    }
  },
  {
    name: "lease: a holder that stops renewing loses it to another within its time to live",
    run: async (h) => {
      const outbox = h.name("lease-lapse")
      await withOpened(h, outbox, (a) =>
        withOpened(h, outbox, async (b) => {
          assertEqual(await a.run(Effect.flatMap(OutboxLease, (lease) => lease.hold(300))), true, "a holds it for 300 ms")
          await b.run(
            Effect.flatMap(OutboxLease, (lease) =>
              waitUntilEffect(lease.hold(300), { timeoutMs: h.timeoutMs, intervalMs: 50, describe: () => "b never got the lease" })
            )
          )
          assertEqual(await a.run(Effect.flatMap(OutboxLease, (lease) => lease.hold(300))), false, "a lost it")
        })
      )
    }
  },
  {
    name: "backlog: pending count and the oldest entry's age; an entry set aside leaves the outbox for the dead place",
    run: async (h) => {
      const outbox = h.name("backlog")
      await withOpened(h, outbox, (p) =>
        p.run(
          Effect.gen(function* () {
            const store = yield* StateStore
            const reader = yield* OutboxReader
            const backlog = yield* OutboxBacklog
            assertEqual(yield* backlog.stats, { pending: 0, oldestAgeMs: 0, dead: 0 }, "empty to start")
            for (let n = 1; n <= 3; n++) yield* store.commit({ events: [eventFor("t", `k${n}`, n)] })
            const first = yield* backlog.stats
            assertEqual(first.pending, 3, "three pending")
            yield* waitUntilEffect(
              Effect.map(backlog.stats, (stats) => stats.oldestAgeMs >= 20),
              { timeoutMs: h.timeoutMs, describe: () => "the oldest entry never aged" }
            )
            const [one, two] = yield* reader.pending(10)
            assertEqual(yield* backlog.setAside(two!.id, "cannot be encoded: test"), true, "moved")
            assertEqual(yield* backlog.setAside(two!.id, "again"), false, "a second move finds nothing")
            assertEqual((yield* reader.pending(10)).map((p) => p.event.envelope.payload.n), [1, 3], "the others stay, in order")
            const dead = yield* backlog.dead(10)
            assertEqual(dead.length, 1, "one dead entry")
            assertEqual(dead[0]!.outboxId, two!.id, "it remembers its outbox id")
            assertEqual(dead[0]!.reason, "cannot be encoded: test", "and why")
            assertEqual([dead[0]!.fields["topic"], dead[0]!.fields["key"]], ["t", "k2"], "and what it was")
            assertEqual((yield* backlog.stats).dead, 1, "counted")
            yield* reader.acknowledge([one!.id])
          })
        )
      )
    }
  },
  {
    name: "relay: a poison entry is set aside and the entries behind it are published, in order",
    run: async (h) => {
      const outbox = h.name("poison")
      const topic = h.name("poison-topic")
      await withOpened(h, outbox, async (p) => {
        await p.run(createTopic(topic))
        await p.run(Effect.flatMap(StateStore, (store) => store.commit({ events: [eventFor(topic, "k", 1), eventFor(topic, "k", 2)] })))
        await h.writePoison(p, outbox, topic)
        await p.run(Effect.flatMap(StateStore, (store) => store.commit({ events: [eventFor(topic, "k", 3), eventFor(topic, "k", 4)] })))
        await p.run(
          Effect.gen(function* () {
            const relay = yield* Effect.forkScoped(runRelay({ idleWaitMs: 200 }))
            const published = yield* awaitPublished(topic, 4, h.timeoutMs)
            assertEqual(numbersOf(published), [1, 2, 3, 4], "every good entry, in order, once")
            const backlog = yield* OutboxBacklog
            yield* waitUntilEffect(Effect.map(backlog.stats, (s) => s.pending === 0), { timeoutMs: h.timeoutMs, describe: () => "outbox not drained" })
            const dead = yield* backlog.dead(10)
            assertEqual(dead.length, 1, "the poison entry is in the dead place")
            assert(dead[0]!.reason.length > 0, "with a reason")
            yield* Fiber.interrupt(relay)
          })
        )
      })
    }
  },
  {
    name: "relay: a publish that keeps failing makes it report failing (not ready); it recovers by itself",
    run: async (h) => {
      const outbox = h.name("failing")
      // The topic does not exist yet: every publish fails until it is created.
      const topic = h.name("failing-topic")
      await withOpened(h, outbox, (p) =>
        p.run(
          Effect.gen(function* () {
            const store = yield* StateStore
            const backlog = yield* OutboxBacklog
            yield* store.commit({ events: [eventFor(topic, "k", 1)] })
            const status = makeRelayStatus()
            const health = () => Effect.map(backlog.stats, (stats) => relayHealth(status, stats, { maxAgeMs: defaultOutboxMaxAgeMs, maxFailures: 3 }))
            const relay = yield* Effect.forkScoped(runRelay({ idleWaitMs: 200, status }))
            yield* waitUntilEffect(Effect.map(health(), (verdict) => !verdict.ok), { timeoutMs: h.timeoutMs, describe: () => JSON.stringify(status) })
            assert(status.lastError !== undefined, "the failure is kept")
            yield* createTopic(topic)
            const published = yield* awaitPublished(topic, 1, h.timeoutMs)
            assertEqual(numbersOf(published), [1], "published once the bus takes it")
            yield* waitUntilEffect(Effect.map(health(), (verdict) => verdict.ok), { timeoutMs: h.timeoutMs, describe: () => JSON.stringify(status) })
            assertEqual(status.consecutiveFailures, 0, "failures reset")
            yield* Fiber.interrupt(relay)
          })
        )
      )
    }
  },
  {
    name: "relay: one failing pass after pass gives the lease up, and another instance publishes",
    run: async (h) => {
      const outbox = h.name("handover")
      const topic = h.name("handover-topic")
      await withOpened(h, outbox, (a) =>
        withOpened(h, outbox, async (b) => {
          await a.run(createTopic(topic))
          const failing = makeRelayStatus()
          let done = false
          // a's bus refuses everything (its broker connection is broken, say); b's works.
          const aRelay = a.run(
            runRelay({ idleWaitMs: 200, status: failing }).pipe(
              Effect.updateService(EventBus, (bus) => ({ ...bus, publish: () => Effect.fail(new EventBusUnavailable({ operation: "publish", message: "broken" })) })),
              Effect.raceFirst(waitUntil(() => done, { timeoutMs: 3 * h.timeoutMs, describe: () => "the case never ended" }))
            )
          )
          await a.run(waitUntil(() => failing.role === "active", { timeoutMs: h.timeoutMs, describe: () => JSON.stringify(failing) }))
          await a.run(Effect.flatMap(StateStore, (store) => store.commit({ events: [eventFor(topic, "k", 1)] })))
          await b.run(
            Effect.gen(function* () {
              const relay = yield* Effect.forkScoped(runRelay({ idleWaitMs: 200 }))
              assertEqual(numbersOf(yield* awaitPublished(topic, 1, h.timeoutMs)), [1], "published by the other instance")
              yield* Fiber.interrupt(relay)
            })
          )
          done = true
          await aRelay
        })
      )
    }
  },
  {
    name: "relay: a defect in a pass does not kill it",
    run: async (h) => {
      const outbox = h.name("defect")
      const topic = h.name("defect-topic")
      await withOpened(h, outbox, (p) =>
        p.run(
          Effect.gen(function* () {
            yield* createTopic(topic)
            const store = yield* StateStore
            yield* store.commit({ events: [eventFor(topic, "k", 1)] })
            let thrown = 0
            const status = makeRelayStatus()
            // The bus throws once (a bug in a driver, say), then works.
            const relay = yield* Effect.forkScoped(
              runRelay({ idleWaitMs: 200, status }).pipe(
                Effect.updateService(EventBus, (bus) => ({
                  ...bus,
                  publish: (messages) =>
                    thrown++ === 0 ? Effect.sync(() => { throw new TypeError("a bug in the bus") }) : bus.publish(messages)
                }))
              )
            )
            const published = yield* awaitPublished(topic, 1, h.timeoutMs)
            assertEqual(numbersOf(published), [1], "published after the defect")
            assert(thrown >= 2, "the relay went on after the defect")
            yield* store.commit({ events: [eventFor(topic, "k", 2)] })
            assertEqual(numbersOf(yield* awaitPublished(topic, 2, h.timeoutMs)), [1, 2], "and keeps relaying")
            assert(status.role === "active", `still running (${status.role})`)
            yield* Fiber.interrupt(relay)
          })
        )
      )
    }
  },
  {
    name: "relay: a batch bigger than one publish may carry goes out in chunks under the size limit",
    run: async (h) => {
      const outbox = h.name("chunks")
      const topic = h.name("chunks-topic")
      // 300 envelopes of about 8 KB (a cart of 50 lines): 2.4 MB, over a broker's 1 MB request limit.
      const lines = Array.from({ length: 50 }, (_, i) => ({ sku: `SKU-${i}`.padEnd(40, "x"), name: "A product with a long name ".repeat(4), quantity: i + 1, unit_price: 1999 }))
      await withOpened(h, outbox, (p) =>
        p.run(
          Effect.gen(function* () {
            yield* createTopic(topic)
            const store = yield* StateStore
            for (let n = 0; n < 300; n++) yield* store.commit({ events: [eventFor(topic, `cart-${n % 7}`, n, { lines })] })
            const relay = yield* Effect.forkScoped(runRelay({ idleWaitMs: 200 }))
            const published = yield* awaitPublished(topic, 300, h.timeoutMs)
            assertEqual(numbersOf(published), Array.from({ length: 300 }, (_, n) => n), "all of them, in order, once")
            yield* Fiber.interrupt(relay)
          })
        )
      )
    }
  }
]
