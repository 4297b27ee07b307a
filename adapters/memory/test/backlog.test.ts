// The embedded shop's consumers share the event loop with its requests: a request's write waits while
// the events not yet handled by every group (outbox + the broker's unread) are over the limit, so a load
// faster than the consumers is slowed to their pace instead of piling events up in memory; a consumer's
// write (how the backlog drains) never waits, and a held write goes ahead after its longest wait.
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { type AtomicWrite, makeEnvelope } from "@kasa/shared"
import { waitUntil } from "@kasa/shared/testing/eventually"
import { makeMemoryOutboxReader, makeMemoryStateStore, MemoryBroker, MemoryStateData } from "@kasa/adapter-memory"

const event = (n: number) => ({
  topic: "t",
  key: "k",
  envelope: makeEnvelope({ eventName: "test.happened", aggregateId: "k", correlationId: `corr_${n}`, producer: "backlog-test", payload: { n } })
})
const request = (n: number): AtomicWrite => ({ ops: [{ op: "set", key: `v${n}`, value: String(n) }], events: [event(n)] })

describe("embedded backlog", () => {
  test("a request's write waits while outbox + unread is over the limit, and applies once the backlog drains", async () => {
    let unread = 0
    let measured = 0
    const data = new MemoryStateData({ maxBacklog: 3, unreadElsewhere: () => (measured++, unread) })
    const store = makeMemoryStateStore(data)
    for (let n = 0; n < 4; n++) expect(await Effect.runPromise(store.commit(request(n)))).toBe("committed")
    expect(data.outbox.length).toBe(4)

    const held = Effect.runPromise(store.commit(request(4)))
    const from = measured
    // It keeps looking (the backlog is measured again every 10 ms) and has written nothing.
    await Effect.runPromise(waitUntil(() => measured >= from + 3, { timeoutMs: 5_000, describe: () => `measured ${measured - from} times` }))
    expect(data.read("v4")).toBeUndefined()
    expect(data.outbox.length).toBe(4)

    // The relay publishes two (outbox 2), but the bus's readers have three unread (seen before the
    // relay's acknowledgement): still over.
    unread = 3
    const seen = measured
    await Effect.runPromise(waitUntil(() => measured > seen, { timeoutMs: 5_000, describe: () => "not measured again" }))
    await Effect.runPromise(makeMemoryOutboxReader(data).acknowledge(["1", "2"]))
    const again = measured
    await Effect.runPromise(waitUntil(() => measured >= again + 2, { timeoutMs: 5_000, describe: () => "not measured again" }))
    expect(data.read("v4")).toBeUndefined()

    unread = 0
    expect(await held).toBe("committed")
    expect(data.read("v4")).toBe("4")
  })

  test("a consumer's write (processed markers), or one with no events, never waits", async () => {
    const data = new MemoryStateData({ maxBacklog: 0, unreadElsewhere: () => 1_000, backlogWaitMs: 60_000 })
    const store = makeMemoryStateStore(data)
    expect(data.heldBack(request(0))).toBe(true)
    expect(await Effect.runPromise(store.commit({ ...request(0), processed: [{ group: "g", eventId: "e0" }] }))).toBe("committed")
    expect(await Effect.runPromise(store.commit({ ops: [{ op: "set", key: "plain", value: "x" }] }))).toBe("committed")
    expect(data.read("v0")).toBe("0")
    expect(data.read("plain")).toBe("x")
  })

  test("a held write goes ahead after backlogWaitMs: a request is slowed, never refused", async () => {
    const data = new MemoryStateData({ maxBacklog: 0, unreadElsewhere: () => 1_000, backlogWaitMs: 50 })
    expect(await Effect.runPromise(makeMemoryStateStore(data).commit(request(7)))).toBe("committed")
    expect(data.read("v7")).toBe("7")
  })

  test("no limit by default", () => {
    expect(new MemoryStateData({ unreadElsewhere: () => 1_000_000 }).heldBack(request(0))).toBe(false)
  })
})

describe("MemoryBroker.unread", () => {
  const member = (id: string, topics: ReadonlyArray<string>) => ({ id, topics, assign: () => {} })
  const append = (broker: MemoryBroker, topic: string, count: number) =>
    broker.append(Array.from({ length: count }, (_, i) => ({ topic, key: `k${i}`, value: new Uint8Array(1), headers: {} })))

  test("per partition, the lag of its slowest reading group, summed; a topic nobody reads counts nothing", () => {
    const broker = new MemoryBroker({ trim: true })
    broker.createTopic("read", 1)
    broker.createTopic("unread", 1)
    broker.join("fast", member("fast-1", ["read"]))
    broker.join("slow", member("slow-1", ["read"]))
    append(broker, "read", 10)
    append(broker, "unread", 7)
    expect(broker.unread()).toBe(10)
    broker.commit("fast", "read", 0, 10)
    expect(broker.unread()).toBe(10)
    broker.commit("slow", "read", 0, 4)
    expect(broker.unread()).toBe(6)
    broker.commit("slow", "read", 0, 10)
    expect(broker.unread()).toBe(0)
  })
})
