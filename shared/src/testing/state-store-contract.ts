/**
 * The StateStore and OutboxReader contract: one suite every store adapter must pass unchanged
 * (memory, Redis, later PostgreSQL). Values with expiry, streams, counters, the atomic commit of
 * state, outbox entries and processed markers, and the relay's view of the outbox, including a new
 * reader taking over after a crash. Framework-free: a test file registers each case.
 */
import { Effect, Fiber } from "effect"
import { makeEnvelope, type Envelope } from "../envelope.ts"
import { type OutboxEvent, OutboxReader, type PendingEvent, toBusMessage } from "../outbox.ts"
import { StateStore } from "../state-store.ts"
import { type ContractCase, type OpenHarness, type Opened, withOpened } from "./contract.ts"
import { assert, assertEqual, AssertionFailed, waitUntilEffect } from "./eventually.ts"

/** One store as a process sees it; several opened on the same outbox share their data, as two processes over one server do. */
export type OpenStore = Opened<StateStore | OutboxReader>

/** Opens a store (fresh connections) whose outbox is the space's name. */
export interface StateStoreHarness extends OpenHarness<StateStore | OutboxReader> {
  /** Deadline for conditions. */
  readonly timeoutMs: number
  /** Optional: how many `waitForPending` calls are parked in the store right now (lets a case wait until one is). */
  readonly parkedWaits?: () => Promise<number>
}

export type { ContractCase }

/** A store may trim a capped stream lazily (Redis trims whole stream nodes of up to 100 entries). */
export const streamTrimSlack = 100

const envelope = (key: string, payload: Record<string, unknown>): Envelope =>
  makeEnvelope({ eventName: "test.happened", aggregateId: key, correlationId: `corr_${key}`, producer: "contract", payload })

const event = (topic: string, key: string, n: number, headers?: Record<string, string>): OutboxEvent => ({
  topic,
  key,
  envelope: envelope(key, { n }),
  ...(headers === undefined ? {} : { headers })
})

/** What survives the round trip: missing headers may come back as `{}`. */
const comparable = (e: OutboxEvent) => ({ topic: e.topic, key: e.key, envelope: e.envelope, headers: e.headers ?? {} })

const pendingNumbers = (pending: ReadonlyArray<PendingEvent>): Array<unknown> => pending.map((p) => p.event.envelope.payload.n)

/** Fails the case (not the process) when `effect` does not finish within the deadline. */
const within = <A, E, R>(timeoutMs: number, what: string, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.timeoutOrElse(effect, {
    duration: timeoutMs,
    orElse: () => Effect.die(new AssertionFailed(`${what} did not finish within ${timeoutMs} ms`))
  })

export const stateStoreContract: ReadonlyArray<ContractCase<StateStoreHarness>> = [
  {
    name: "get and getMany return what set wrote, undefined for missing keys, in the order asked",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* StateStore
            const k = h.name("values")
            yield* store.commit({ ops: [{ op: "set", key: `${k}:a`, value: "alpha" }, { op: "set", key: `${k}:b`, value: "" }] })
            assertEqual(yield* store.get(`${k}:a`), "alpha", "get a")
            assertEqual(yield* store.get(`${k}:b`), "", "an empty string is a value")
            assertEqual(yield* store.get(`${k}:missing`), undefined, "get missing")
            const many = yield* store.getMany([`${k}:b`, `${k}:missing`, `${k}:a`])
            assertEqual([...many], ["", undefined, "alpha"], "getMany keeps order")
            assert(many[1] === undefined, "getMany gives undefined (not null) for a missing key")
            assertEqual([...(yield* store.getMany([]))], [], "getMany of nothing")
            yield* store.commit({ ops: [{ op: "set", key: `${k}:a`, value: "beta" }] })
            assertEqual(yield* store.get(`${k}:a`), "beta", "set overwrites")
          })
        )
      )
  },
  {
    name: "a value set with ttlSeconds expires; setting it again without a ttl keeps it",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* StateStore
            const k = h.name("ttl")
            yield* store.commit({
              ops: [
                { op: "set", key: `${k}:short`, value: "v", ttlSeconds: 0.3 },
                { op: "set", key: `${k}:kept`, value: "v1", ttlSeconds: 0.3 },
                { op: "set", key: `${k}:kept`, value: "v2" },
                { op: "set", key: `${k}:long`, value: "v", ttlSeconds: 3_600 }
              ]
            })
            assertEqual(yield* store.get(`${k}:short`), "v", "readable before expiry")
            let last: string | undefined = "v"
            yield* waitUntilEffect(Effect.map(store.get(`${k}:short`), (v) => (last = v) === undefined), {
              timeoutMs: h.timeoutMs,
              describe: () => `still ${JSON.stringify(last)}`
            })
            assertEqual([...(yield* store.getMany([`${k}:short`, `${k}:kept`, `${k}:long`]))], [undefined, "v2", "v"], "after expiry")
          })
        )
      )
  },
  {
    name: "append and incrementBy with ttlSeconds give the stream and the counter that lifetime",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* StateStore
            const k = h.name("ttl-ops")
            yield* store.commit({
              ops: [
                { op: "append", key: `${k}:s`, fields: { n: "1" }, maxLength: 10, ttlSeconds: 0.3 },
                { op: "append", key: `${k}:s`, fields: { n: "2" }, ttlSeconds: 0.3 },
                { op: "incrementBy", key: `${k}:n`, by: 2, ttlSeconds: 0.3 },
                { op: "incrementBy", key: `${k}:long`, by: 1, ttlSeconds: 3_600 },
                { op: "append", key: `${k}:long-s`, fields: { n: "1" }, ttlSeconds: 3_600 }
              ]
            })
            assertEqual((yield* store.readStream(`${k}:s`)).length, 2, "stream readable before expiry")
            assertEqual(yield* store.get(`${k}:n`), "2", "counter readable before expiry")
            let last = ""
            yield* waitUntilEffect(
              Effect.map(Effect.all([store.readStream(`${k}:s`), store.get(`${k}:n`)]), ([stream, n]) => {
                last = JSON.stringify({ stream, n })
                return stream.length === 0 && n === undefined
              }),
              { timeoutMs: h.timeoutMs, describe: () => last }
            )
            assertEqual(yield* store.get(`${k}:long`), "1", "a counter with a long lifetime stays")
            assertEqual([...(yield* store.readStream(`${k}:long-s`))], [{ n: "1" }], "a stream with a long lifetime stays")
            yield* store.commit({ ops: [{ op: "append", key: `${k}:s`, fields: { n: "3" } }, { op: "incrementBy", key: `${k}:n`, by: 5 }] })
            assertEqual([...(yield* store.readStream(`${k}:s`))], [{ n: "3" }], "an expired stream starts afresh")
            assertEqual(yield* store.get(`${k}:n`), "5", "an expired counter counts from zero")
          })
        )
      )
  },
  {
    name: "a write with ttlSeconds starts the key's lifetime over (value, stream and counter)",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* StateStore
            const k = h.name("ttl-refresh")
            const short = (key: string) => [
              { op: "set" as const, key: `${key}:v`, value: "1", ttlSeconds: 0.3 },
              { op: "append" as const, key: `${key}:s`, fields: { n: "1" }, ttlSeconds: 0.3 },
              { op: "incrementBy" as const, key: `${key}:n`, by: 1, ttlSeconds: 0.3 }
            ]
            // `witness` is written once with the short lifetime; `k` is written again with a long one.
            yield* store.commit({ ops: [...short(k), ...short(`${k}:witness`)] })
            yield* store.commit({
              ops: [
                { op: "set", key: `${k}:v`, value: "2", ttlSeconds: 3_600 },
                { op: "append", key: `${k}:s`, fields: { n: "2" }, ttlSeconds: 3_600 },
                { op: "incrementBy", key: `${k}:n`, by: 1, ttlSeconds: 3_600 }
              ]
            })
            let last = ""
            yield* waitUntilEffect(
              Effect.map(Effect.all([store.get(`${k}:witness:v`), store.readStream(`${k}:witness:s`), store.get(`${k}:witness:n`)]), ([v, stream, n]) => {
                last = JSON.stringify({ v, stream, n })
                return v === undefined && stream.length === 0 && n === undefined
              }),
              { timeoutMs: h.timeoutMs, describe: () => last }
            )
            assertEqual([...(yield* store.getMany([`${k}:v`, `${k}:n`]))], ["2", "2"], "value and counter live on")
            assertEqual([...(yield* store.readStream(`${k}:s`))], [{ n: "1" }, { n: "2" }], "the stream lives on, whole")
          })
        )
      )
  },
  {
    name: "delete removes a value, a counter and a stream",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* StateStore
            const k = h.name("delete")
            yield* store.commit({
              ops: [
                { op: "set", key: `${k}:v`, value: "x" },
                { op: "incrementBy", key: `${k}:n`, by: 2 },
                { op: "append", key: `${k}:s`, fields: { a: "1" } }
              ]
            })
            yield* store.commit({
              ops: [
                { op: "delete", key: `${k}:v` },
                { op: "delete", key: `${k}:n` },
                { op: "delete", key: `${k}:s` },
                { op: "delete", key: `${k}:never-existed` }
              ]
            })
            assertEqual([...(yield* store.getMany([`${k}:v`, `${k}:n`]))], [undefined, undefined], "values gone")
            assertEqual([...(yield* store.readStream(`${k}:s`))], [], "stream gone")
          })
        )
      )
  },
  {
    name: "append keeps order and fields; readStream of a missing stream is empty",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* StateStore
            const k = h.name("stream")
            assertEqual([...(yield* store.readStream(`${k}:missing`))], [], "missing stream")
            yield* store.commit({ ops: [{ op: "append", key: k, fields: { n: "0", note: "first" } }] })
            yield* store.commit({ ops: Array.from({ length: 5 }, (_, i) => ({ op: "append" as const, key: k, fields: { n: String(i + 1) } })) })
            const entries = yield* store.readStream(k)
            assertEqual(entries, [{ n: "0", note: "first" }, ...Array.from({ length: 5 }, (_, i) => ({ n: String(i + 1) }))], "entries in order")
          })
        )
      )
  },
  {
    name: "append with maxLength keeps the newest entries, in order, trimmed to about maxLength",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* StateStore
            const k = h.name("capped")
            const maxLength = 10
            const total = 400
            for (let from = 0; from < total; from += 20) {
              yield* store.commit({
                ops: Array.from({ length: 20 }, (_, i) => ({ op: "append" as const, key: k, fields: { n: String(from + i) }, maxLength }))
              })
            }
            const kept = (yield* store.readStream(k)).map((entry) => Number(entry.n))
            assert(kept.length >= maxLength, `kept at least ${maxLength}; kept ${kept.length}`)
            assert(kept.length <= maxLength + streamTrimSlack, `trimmed to about ${maxLength}; kept ${kept.length}`)
            const first = total - kept.length
            assertEqual(kept, Array.from({ length: kept.length }, (_, i) => first + i), "the newest entries, in order")
          })
        )
      )
  },
  {
    name: "incrementBy counts from zero, up and down, and keeps the other keys' values",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* StateStore
            const k = h.name("counter")
            yield* store.commit({ ops: [{ op: "incrementBy", key: `${k}:n`, by: 5 }] })
            yield* store.commit({ ops: [{ op: "incrementBy", key: `${k}:n`, by: -2 }, { op: "incrementBy", key: `${k}:n`, by: 10 }] })
            yield* store.commit({ ops: [{ op: "set", key: `${k}:m`, value: "100" }, { op: "incrementBy", key: `${k}:m`, by: 1 }] })
            assertEqual([...(yield* store.getMany([`${k}:n`, `${k}:m`]))], ["13", "101"], "counters")
          })
        )
      )
  },
  {
    name: "a commit's state operations are seen all together or not at all by a concurrent reader",
    run: (h) => {
      const name = h.name("outbox")
      return withOpened(h, name, (writer) =>
        withOpened(h, name, async (reader) => {
          const k = h.name("atomic")
          const rounds = 200
          // Wide commits (about 50 KB): a store that applied them piece by piece would be caught mid-way.
          const wide = Array.from({ length: 6 }, (_, j) => `${k}:w${j}`)
          const padding = "x".repeat(8_192)
          let torn: string | undefined
          let reads = 0
          let done = false
          const watch = reader.run(
            Effect.gen(function* () {
              const store = yield* StateStore
              while (!done && torn === undefined) {
                const [counter, ...values] = yield* store.getMany([`${k}:n`, ...wide])
                reads++
                const seen = values.map((v) => (v === undefined ? undefined : v.slice(0, v.indexOf("|"))))
                if (seen.some((r) => r !== counter)) torn = `counter=${counter} values of round ${JSON.stringify(seen)}`
                yield* Effect.yieldNow
              }
            })
          )
          try {
            await writer.run(
              Effect.gen(function* () {
                const store = yield* StateStore
                for (let i = 1; i <= rounds && torn === undefined; i++) {
                  yield* store.commit({
                    ops: [
                      { op: "incrementBy", key: `${k}:n`, by: 1 },
                      ...wide.map((key, j) => ({ op: "set" as const, key, value: `${i}|${padding}`, ...(j % 2 === 0 ? { ttlSeconds: 3_600 } : {}) }))
                    ]
                  })
                  // Give the reader a turn on a single-threaded in-process store too.
                  yield* Effect.yieldNow
                }
              })
            )
          } finally {
            done = true
            await watch
          }
          assert(torn === undefined, `a reader saw part of a commit: ${torn}`)
          assert(reads > 0, "the reader read at least once")
        })
      )
    }
  },
  {
    name: "a commit writes state, outbox entries (in order, intact) and processed markers together",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* StateStore
            const outbox = yield* OutboxReader
            const k = h.name("together")
            const group = h.name("group")
            const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
            const events = [
              event("cart.events", "cart-1", 1, { traceparent, "x-extra": "yes" }),
              event("cart.events", "cart-2", 2),
              event("order.events", "cart-1", 3, {})
            ]
            assertEqual([...(yield* outbox.pending(10))], [], "empty outbox to start")
            yield* store.commit({
              ops: [{ op: "set", key: `${k}:state`, value: "v1" }, { op: "append", key: `${k}:log`, fields: { e: "1" } }],
              events,
              processed: [{ group, eventId: "evt-in-1" }]
            })
            assertEqual(yield* store.get(`${k}:state`), "v1", "state")
            assertEqual(yield* store.readStream(`${k}:log`), [{ e: "1" }], "stream")
            assertEqual([...(yield* store.processed(group, ["evt-in-1", "evt-in-2"]))], ["evt-in-1"], "processed marker")
            const pending = yield* outbox.pending(10)
            assertEqual(pending.map((p) => comparable(p.event)), events.map(comparable), "outbox entries, in order, intact")
            assertEqual(new Set(pending.map((p) => p.id)).size, 3, "distinct ids")
            yield* store.commit({ events: [event("cart.events", "cart-1", 4)] })
            yield* store.commit({})
            assertEqual(pendingNumbers(yield* outbox.pending(10)), [1, 2, 3, 4], "a later commit's events come after")
            assertEqual(pendingNumbers(yield* outbox.pending(2)), [1, 2], "pending(max) gives the oldest max")
          })
        )
      )
  },
  {
    name: "a commit whose preconditions hold applies; one whose preconditions fail applies nothing and says which key",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* StateStore
            const outbox = yield* OutboxReader
            const k = h.name("expect")
            const group = h.name("group")
            yield* store.commit({ expect: [{ key: `${k}:version`, value: undefined }], ops: [{ op: "set", key: `${k}:version`, value: "1" }] })
            assertEqual(yield* store.get(`${k}:version`), "1", "applied when the key was absent as expected")
            const refused = yield* Effect.flip(
              store.commit({
                expect: [{ key: `${k}:version`, value: "0" }],
                ops: [{ op: "set", key: `${k}:version`, value: "2" }, { op: "incrementBy", key: `${k}:count`, by: 1 }],
                events: [event("t", "a", 1)],
                processed: [{ group, eventId: "e1" }]
              })
            )
            assertEqual(refused._tag, "WriteConflict", "conflict error")
            assertEqual((refused as { key?: string }).key, `${k}:version`, "names the key")
            assertEqual(yield* store.getMany([`${k}:version`, `${k}:count`]), ["1", undefined], "no state applied")
            assertEqual([...(yield* outbox.pending(10))], [], "no outbox entry")
            assertEqual([...(yield* store.processed(group, ["e1"]))], [], "no marker")
            const absent = yield* Effect.flip(store.commit({ expect: [{ key: `${k}:version`, value: undefined }], ops: [{ op: "delete", key: `${k}:version` }] }))
            assertEqual(absent._tag, "WriteConflict", "expecting absence of a present key conflicts")
            yield* store.commit({ expect: [{ key: `${k}:version`, value: "1" }], ops: [{ op: "set", key: `${k}:version`, value: "2" }] })
            assertEqual(yield* store.get(`${k}:version`), "2", "applied when the value matched")
          })
        )
      )
  },
  {
    name: "concurrent read-modify-write commits with a precondition never lose an update",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* StateStore
            const k = h.name("race")
            let conflicts = 0
            const bump = Effect.gen(function* () {
              while (true) {
                const current = yield* store.get(k)
                const next = String(Number(current ?? "0") + 1)
                const result = yield* Effect.result(store.commit({ expect: [{ key: k, value: current }], ops: [{ op: "set", key: k, value: next }] }))
                if (result._tag === "Success") return
                if (result.failure._tag !== "WriteConflict") return yield* Effect.fail(result.failure)
                conflicts++
              }
            })
            yield* Effect.forEach(Array.from({ length: 50 }, () => bump), (b) => b, { concurrency: "unbounded", discard: true })
            assertEqual(yield* store.get(k), "50", `every update kept (${conflicts} conflicts retried)`)
          })
        )
      )
  },
  {
    name: "acknowledge removes exactly the acknowledged entries; a new reader after a crash sees the rest",
    run: async (h) => {
      const name = h.name("outbox")
      const first = await h.open(name)
      let survivors: ReadonlyArray<PendingEvent>
      try {
        survivors = await first.run(
          Effect.gen(function* () {
            const store = yield* StateStore
            const outbox = yield* OutboxReader
            for (let n = 1; n <= 10; n += 2) yield* store.commit({ events: [event("t", `k${n % 3}`, n), event("t", `k${(n + 1) % 3}`, n + 1)] })
            const head = yield* outbox.pending(4)
            assertEqual(pendingNumbers(head), [1, 2, 3, 4], "the oldest four")
            yield* outbox.acknowledge(head.map((p) => p.id))
            const rest = yield* outbox.pending(100)
            assertEqual(pendingNumbers(rest), [5, 6, 7, 8, 9, 10], "after acknowledging a prefix")
            // Not a prefix: only the 6th and the 8th (a relay that published a subset).
            yield* outbox.acknowledge([rest[1]!.id, rest[3]!.id])
            assertEqual(pendingNumbers(yield* outbox.pending(100)), [5, 7, 9, 10], "after acknowledging a subset")
            yield* outbox.acknowledge([head[0]!.id, rest[1]!.id])
            assertEqual(pendingNumbers(yield* outbox.pending(100)), [5, 7, 9, 10], "acknowledging twice changes nothing")
            yield* outbox.acknowledge([])
            return yield* outbox.pending(100)
          })
        )
      } finally {
        await first.close()
      }
      await withOpened(h, name, (second) =>
        second.run(
          Effect.gen(function* () {
            const outbox = yield* OutboxReader
            const seen = yield* outbox.pending(100)
            assertEqual(seen.map((p) => p.id), survivors.map((p) => p.id), "the new reader sees the same entries")
            assertEqual(seen.map((p) => comparable(p.event)), survivors.map((p) => comparable(p.event)), "and the same events")
            yield* outbox.acknowledge(seen.map((p) => p.id))
            assertEqual([...(yield* outbox.pending(100))], [], "drained")
          })
        )
      )
    }
  },
  {
    name: "each app's outbox is its own",
    run: async (h) => {
      const a = h.name("outbox-a")
      const b = h.name("outbox-b")
      await withOpened(h, a, (sa) =>
        withOpened(h, b, async (sb) => {
          await sa.run(StateStore.use((store) => store.commit({ events: [event("t", "k", 1)] })))
          await sb.run(StateStore.use((store) => store.commit({ events: [event("t", "k", 2)] })))
          assertEqual(pendingNumbers(await sa.run(OutboxReader.use((o) => o.pending(10)))), [1], "outbox a")
          assertEqual(pendingNumbers(await sb.run(OutboxReader.use((o) => o.pending(10)))), [2], "outbox b")
        })
      )
    }
  },
  {
    name: "processed returns exactly the marked subset, per group",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* StateStore
            const g1 = h.name("g1")
            const g2 = h.name("g2")
            const g3 = h.name("g3")
            yield* store.commit({ processed: [{ group: g1, eventId: "a" }, { group: g1, eventId: "b" }] })
            yield* store.commit({ processed: [{ group: g2, eventId: "c" }], ops: [{ op: "incrementBy", key: h.name("n"), by: 1 }] })
            const sorted = (set: ReadonlySet<string>) => [...set].sort()
            assertEqual(sorted(yield* store.processed(g1, ["a", "b", "c", "d"])), ["a", "b"], "group 1")
            assertEqual(sorted(yield* store.processed(g2, ["a", "b", "c", "d"])), ["c"], "group 2")
            assertEqual(sorted(yield* store.processed(g3, ["a", "b", "c", "d"])), [], "group 3")
            assertEqual(sorted(yield* store.processed(g1, [])), [], "no ids")
            assertEqual(sorted(yield* store.processed(g1, ["b", "b", "x"])), ["b"], "repeated ids")
          })
        )
      )
  },
  {
    name: "a commit whose processed marker is already set applies nothing of itself and reports a duplicate",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* StateStore
            const outbox = yield* OutboxReader
            const k = h.name("dup")
            const group = h.name("group")
            const write = (n: number, markers: ReadonlyArray<string>, expect?: string) => ({
              ...(expect === undefined ? {} : { expect: [{ key: `${k}:guard`, value: expect }] }),
              ops: [{ op: "incrementBy" as const, key: `${k}:count`, by: 1 }, { op: "set" as const, key: `${k}:last`, value: String(n) }],
              events: [event("cart.events", "cart-1", n)],
              processed: markers.map((eventId) => ({ group, eventId }))
            })
            assertEqual(yield* store.commit({ ops: [{ op: "set", key: `${k}:plain`, value: "v" }] }), "committed", "a write without markers")
            assertEqual(yield* store.commit(write(1, ["evt-1"])), "committed", "first write of evt-1")
            assertEqual(yield* store.commit(write(2, ["evt-1"])), "duplicate", "second write of evt-1")
            assertEqual(yield* store.commit(write(3, ["evt-2", "evt-1"])), "duplicate", "a write with one marker already set")
            assertEqual(yield* store.commit(write(4, ["evt-1"], "no such value")), "duplicate", "a duplicate is reported before a failing precondition")
            assertEqual([...(yield* store.getMany([`${k}:count`, `${k}:last`]))], ["1", "1"], "only the first write's state")
            assertEqual([...(yield* store.processed(group, ["evt-1", "evt-2"]))], ["evt-1"], "the refused write set no marker")
            assertEqual(pendingNumbers(yield* outbox.pending(10)), [1], "only the first write's events")
            const other = h.name("other-group")
            assertEqual(yield* store.commit({ ...write(5, []), processed: [{ group: other, eventId: "evt-1" }] }), "committed", "same event, another group")
          })
        )
      )
  },
  {
    name: "two stores racing to commit the same processed marker apply the write once",
    run: async (h) => {
      const outbox = h.name("outbox")
      const k = h.name("race")
      const group = h.name("group")
      const a = await h.open(outbox)
      const b = await h.open(outbox)
      try {
        const attempt = (store: OpenStore, n: number) =>
          store.run(
            Effect.flatMap(StateStore, (state) =>
              state.commit({ ops: [{ op: "incrementBy", key: `${k}:count`, by: 1 }], events: [event("cart.events", "cart-1", n)], processed: [{ group, eventId: "evt-raced" }] })
            )
          )
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => attempt(i % 2 === 0 ? a : b, i)))
        assertEqual(results.filter((r) => r === "committed").length, 1, "commits that applied")
        await a.run(
          Effect.gen(function* () {
            const store = yield* StateStore
            const reader = yield* OutboxReader
            assertEqual(yield* store.get(`${k}:count`), "1", "state applied once")
            assertEqual((yield* reader.pending(100)).length, 1, "events written once")
          })
        )
      } finally {
        await a.close()
        await b.close()
      }
    }
  },
  {
    name: "an outbox entry in raw form comes back byte for byte, with exactly its headers",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* StateStore
            const outbox = yield* OutboxReader
            const bytes = new Uint8Array([0xff, 0xfe, 0x00, 0x41, 0x7b])
            const headers = { "dlq.error": "not JSON", "x-original": "kept" }
            const letter: OutboxEvent = { ...event("cart.events.dlq", "cart-1", 1), raw: bytes, headers }
            yield* store.commit({ events: [letter, event("cart.events", "cart-2", 2)] })
            const pending = yield* outbox.pending(10)
            const [raw, plain] = pending.map((p) => toBusMessage(p.event))
            assertEqual([...raw!.value], [...bytes], "raw bytes")
            assertEqual(raw!.headers, headers, "exactly its headers")
            assertEqual([raw!.topic, raw!.key], ["cart.events.dlq", "cart-1"], "topic and key")
            assertEqual(JSON.parse(new TextDecoder().decode(plain!.value)).payload, { n: 2 }, "the envelope form beside it")
          })
        )
      )
  },
  {
    name: "waitForPending returns at once while entries are pending",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* StateStore
            const outbox = yield* OutboxReader
            yield* store.commit({ events: [event("t", "k", 1)] })
            yield* within(h.timeoutMs, "waitForPending(10 minutes) with an entry pending", outbox.waitForPending(600_000))
            assertEqual(pendingNumbers(yield* outbox.pending(10)), [1], "still pending until acknowledged")
          })
        )
      )
  },
  {
    name: "waitForPending wakes on another process's commit with events, long before its timeout",
    run: async (h) => {
      const name = h.name("outbox")
      await withOpened(h, name, (relay) =>
        withOpened(h, name, async (app) => {
          const parkedBefore = (await h.parkedWaits?.()) ?? 0
          await relay.run(
            Effect.gen(function* () {
              const outbox = yield* OutboxReader
              assertEqual([...(yield* outbox.pending(10))], [], "empty outbox to start")
              const waiting = yield* Effect.forkChild(outbox.waitForPending(600_000))
              const parked = h.parkedWaits
              if (parked !== undefined) {
                let now = parkedBefore
                yield* waitUntilEffect(
                  Effect.promise(() => parked()).pipe(Effect.map((n) => (now = n) > parkedBefore)),
                  { timeoutMs: h.timeoutMs, describe: () => `parked waits ${now}, before ${parkedBefore}` }
                )
              }
              // State and markers alone do not need the relay; only events do.
              yield* Effect.promise(() => app.run(StateStore.use((store) => store.commit({ events: [event("t", "k", 7)] }))))
              yield* within(h.timeoutMs, "waitForPending(10 minutes) after a commit with events", Fiber.join(waiting))
              assertEqual(pendingNumbers(yield* outbox.pending(10)), [7], "the committed event is pending")
            })
          )
        })
      )
    }
  },
  {
    name: "waitForPending returns after its timeout when nothing comes, also once everything is acknowledged",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* StateStore
            const outbox = yield* OutboxReader
            yield* within(h.timeoutMs, "waitForPending(150) on an empty outbox", outbox.waitForPending(150))
            yield* store.commit({ events: [event("t", "k", 1), event("t", "k", 2)] })
            yield* outbox.acknowledge((yield* outbox.pending(10)).map((p) => p.id))
            yield* within(h.timeoutMs, "waitForPending(150) on a drained outbox", outbox.waitForPending(150))
            yield* within(h.timeoutMs, "waitForPending(0)", outbox.waitForPending(0))
            assertEqual([...(yield* outbox.pending(10))], [], "still empty")
          })
        )
      )
  }
]
