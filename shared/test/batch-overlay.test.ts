// The batch overlay: what handlers of one batch see of each other's decisions, which of their writes it
// takes, and that its one combined write leaves the store as the writes committed one by one would.
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { type AtomicWrite, BatchOverlay, batchAware, CurrentBatchOverlay, StateStore, type StateOp, storeBehind } from "@kasa/shared"
import { makeMemoryStateStore, MemoryStateData } from "@kasa/adapter-memory"

const storeWith = async (initial: Readonly<Record<string, string>>) => {
  const store = makeMemoryStateStore(new MemoryStateData())
  const ops = Object.entries(initial).map(([key, value]) => ({ op: "set" as const, key, value }))
  if (ops.length > 0) await Effect.runPromise(store.commit({ ops }))
  return store
}

const read = (store: typeof StateStore.Service, keys: ReadonlyArray<string>) => Effect.runPromise(store.getMany(keys))

describe("BatchOverlay: what a batch's handlers see", () => {
  test.each<[string, Readonly<Record<string, string>>, ReadonlyArray<AtomicWrite>, Readonly<Record<string, string | undefined>>]>([
    ["a set is seen by the next handler", { a: "1" }, [{ ops: [{ op: "set", key: "a", value: "2" }] }], { a: "2" }],
    ["a delete is seen as absent", { a: "1" }, [{ ops: [{ op: "delete", key: "a" }] }], { a: undefined }],
    ["a set that is already expired is seen as absent", { a: "1" }, [{ ops: [{ op: "set", key: "a", value: "2", ttlSeconds: 0 }] }], { a: undefined }],
    ["increments add up on the stored value", { n: "5" }, [{ ops: [{ op: "incrementBy", key: "n", by: 2 }] }, { ops: [{ op: "incrementBy", key: "n", by: 3 }] }], { n: "10" }],
    ["an increment of an absent key starts from zero", {}, [{ ops: [{ op: "incrementBy", key: "n", by: 4 }] }], { n: "4" }],
    ["keys the batch did not write are read from the store", { a: "1", b: "x" }, [{ ops: [{ op: "set", key: "a", value: "2" }] }], { a: "2", b: "x" }]
  ])("%s", async (_, initial, writes, expected) => {
    const store = await storeWith(initial)
    const overlay = new BatchOverlay(store)
    for (const write of writes) expect(await Effect.runPromise(overlay.add(write))).toBe("added")
    const keys = Object.keys(expected)
    expect(await Effect.runPromise(overlay.getMany(keys))).toEqual(keys.map((key) => expected[key]))
    for (const key of keys) expect(await Effect.runPromise(overlay.get(key))).toBe(expected[key])
  })

  test("streams: the stored entries, then what the batch appended; after a delete only what followed", async () => {
    const store = await storeWith({})
    await Effect.runPromise(store.commit({ ops: [{ op: "append", key: "s", fields: { n: "1" } }] }))
    const overlay = new BatchOverlay(store)
    await Effect.runPromise(overlay.add({ ops: [{ op: "append", key: "s", fields: { n: "2" } }] }))
    expect(await Effect.runPromise(overlay.readStream("s"))).toEqual([{ n: "1" }, { n: "2" }])
    await Effect.runPromise(overlay.add({ ops: [{ op: "delete", key: "s" }, { op: "append", key: "s", fields: { n: "3" } }] }))
    expect(await Effect.runPromise(overlay.readStream("s"))).toEqual([{ n: "3" }])
  })

  test("markers the batch holds count as processed, beside those in the store", async () => {
    const store = await storeWith({})
    await Effect.runPromise(store.commit({ processed: [{ group: "g", eventId: "old" }] }))
    const overlay = new BatchOverlay(store)
    await Effect.runPromise(overlay.add({ processed: [{ group: "g", eventId: "new" }] }))
    const done = await Effect.runPromise(overlay.processedOf("g", ["old", "new", "other"]))
    expect([...done].sort()).toEqual(["new", "old"])
  })
})

describe("BatchOverlay: which writes it takes", () => {
  test.each<[string, Readonly<Record<string, string>>, ReadonlyArray<AtomicWrite>, "added" | "conflict"]>([
    ["a precondition on what the batch wrote holds", { a: "1" }, [{ expect: [{ key: "a", value: "1" }], ops: [{ op: "set", key: "a", value: "2" }] }, { expect: [{ key: "a", value: "2" }] }], "added"],
    ["a precondition on the value before the batch's write does not", { a: "1" }, [{ expect: [{ key: "a", value: "1" }], ops: [{ op: "set", key: "a", value: "2" }] }, { expect: [{ key: "a", value: "1" }] }], "conflict"],
    ["two preconditions on the same unread key must agree", {}, [{ expect: [{ key: "a", value: "x" }] }, { expect: [{ key: "a", value: "y" }] }], "conflict"],
    ["absence the batch created holds", { a: "1" }, [{ ops: [{ op: "delete", key: "a" }] }, { expect: [{ key: "a", value: undefined }] }], "added"],
    ["a marker already in the batch is a conflict", {}, [{ processed: [{ group: "g", eventId: "e" }] }, { processed: [{ group: "g", eventId: "e" }] }], "conflict"]
  ])("%s", async (_, initial, writes, last) => {
    const overlay = new BatchOverlay(await storeWith(initial))
    for (const write of writes.slice(0, -1)) expect(await Effect.runPromise(overlay.add(write))).toBe("added")
    expect(await Effect.runPromise(overlay.add(writes.at(-1)!))).toBe(last)
  })

  test("a precondition against a value read earlier in the batch must match what was read", async () => {
    const overlay = new BatchOverlay(await storeWith({ a: "1" }))
    expect(await Effect.runPromise(overlay.get("a"))).toBe("1")
    expect(await Effect.runPromise(overlay.add({ expect: [{ key: "a", value: "0" }] }))).toBe("conflict")
    expect(await Effect.runPromise(overlay.add({ expect: [{ key: "a", value: "1" }] }))).toBe("added")
  })
})

describe("BatchOverlay: the combined write", () => {
  const writes: ReadonlyArray<AtomicWrite> = [
    { expect: [{ key: "cart", value: "v1" }], ops: [{ op: "set", key: "cart", value: "v2" }, { op: "incrementBy", key: "n", by: 1 }], processed: [{ group: "g", eventId: "e1" }] },
    { expect: [{ key: "cart", value: "v2" }, { key: "other", value: undefined }], ops: [{ op: "set", key: "cart", value: "v3" }, { op: "incrementBy", key: "n", by: 1 }], processed: [{ group: "g", eventId: "e2" }] },
    { ops: [{ op: "delete", key: "gone" }, { op: "append", key: "log", fields: { at: "3" } }], processed: [{ group: "g", eventId: "e3" }] }
  ]
  const initial = { cart: "v1", gone: "soon" }
  const keys = ["cart", "n", "gone", "other"]

  test("leaves the store as committing the writes one by one does", async () => {
    const oneByOne = await storeWith(initial)
    for (const write of writes) expect(await Effect.runPromise(oneByOne.commit(write))).toBe("committed")
    const batched = await storeWith(initial)
    const overlay = new BatchOverlay(batched)
    for (const write of writes) await Effect.runPromise(overlay.add(write))
    expect(overlay.toWrite().expect).toEqual([{ key: "cart", value: "v1" }, { key: "other", value: undefined }])
    expect(await Effect.runPromise(batched.commit(overlay.toWrite()))).toBe("committed")
    expect(await read(batched, keys)).toEqual(await read(oneByOne, keys))
    expect(await Effect.runPromise(batched.readStream("log"))).toEqual(await Effect.runPromise(oneByOne.readStream("log")))
    expect([...(await Effect.runPromise(batched.processed("g", ["e1", "e2", "e3"])))].sort()).toEqual(["e1", "e2", "e3"])
  })

  test("applies nothing when the store moved under the batch (someone else wrote a key it started from)", async () => {
    const store = await storeWith(initial)
    const overlay = new BatchOverlay(store)
    for (const write of writes) await Effect.runPromise(overlay.add(write))
    await Effect.runPromise(store.commit({ ops: [{ op: "set", key: "cart", value: "theirs" }] }))
    const outcome = await Effect.runPromise(Effect.flip(store.commit(overlay.toWrite())))
    expect(outcome._tag).toBe("WriteConflict")
    expect(await read(store, keys)).toEqual(["theirs", undefined, "soon", undefined])
  })
})

describe("BatchOverlay: ops a later one makes moot are left out", () => {
  const set = (key: string, value: string, ttlSeconds?: number): StateOp => ({ op: "set", key, value, ...(ttlSeconds === undefined ? {} : { ttlSeconds }) })
  const del = (key: string): StateOp => ({ op: "delete", key })
  const append = (key: string, at: string): StateOp => ({ op: "append", key, fields: { at } })
  test.each<[string, ReadonlyArray<ReadonlyArray<StateOp>>, ReadonlyArray<StateOp>]>([
    ["a key set by each message: its last value once", [[set("s", "1")], [set("s", "2")], [set("s", "3", 60)]], [set("s", "3", 60)]],
    ["set, then delete: the delete", [[set("s", "1")], [del("s")]], [del("s")]],
    ["delete, then set: the set", [[del("s")], [set("s", "2")]], [set("s", "2")]],
    ["other keys in between change nothing", [[set("s", "1"), set("t", "x")], [set("s", "2")]], [set("t", "x"), set("s", "2")]],
    ["a stream cleared and appended to keeps all of it", [[del("log"), append("log", "1")], [append("log", "2")]], [del("log"), append("log", "1"), append("log", "2")]],
    ["an increment is never left out", [[{ op: "incrementBy", key: "n", by: 1 }], [{ op: "incrementBy", key: "n", by: 2 }]], [{ op: "incrementBy", key: "n", by: 1 }, { op: "incrementBy", key: "n", by: 2 }]]
  ])("%s, and the store ends as one by one", async (_, writes, kept) => {
    const oneByOne = await storeWith({ s: "0" })
    for (const ops of writes) await Effect.runPromise(oneByOne.commit({ ops }))
    const batched = await storeWith({ s: "0" })
    const overlay = new BatchOverlay(batched)
    for (const ops of writes) expect(await Effect.runPromise(overlay.add({ ops }))).toBe("added")
    expect(overlay.toWrite().ops).toEqual(kept)
    await Effect.runPromise(batched.commit(overlay.toWrite()))
    const keys = ["s", "t", "n"]
    expect(await read(batched, keys)).toEqual(await read(oneByOne, keys))
    expect(await Effect.runPromise(batched.readStream("log"))).toEqual(await Effect.runPromise(oneByOne.readStream("log")))
  })
})

describe("batchAware", () => {
  test("reads go to the store outside a batch and through the batch's overlay inside one; commits always to the store", async () => {
    const inner = await storeWith({ a: "stored" })
    const aware = batchAware(inner)
    expect(storeBehind(aware)).toBe(inner)
    expect(storeBehind(inner)).toBeUndefined()
    const overlay = new BatchOverlay(inner)
    await Effect.runPromise(overlay.add({ ops: [{ op: "set", key: "a", value: "decided" }] }))
    expect(await Effect.runPromise(aware.get("a"))).toBe("stored")
    expect(await Effect.runPromise(Effect.provideService(aware.get("a"), CurrentBatchOverlay, overlay))).toBe("decided")
    expect(await Effect.runPromise(Effect.provideService(aware.getMany(["a"]), CurrentBatchOverlay, overlay))).toEqual(["decided"])
    expect(batchAware(aware)).toBe(aware)
  })
})

test("a wrapper that spreads a batch-aware store (as answeringStore does) is batch-aware too", () => {
  const aware = batchAware(makeMemoryStateStore(new MemoryStateData()))
  expect(storeBehind({ ...aware, commit: aware.commit })).toBe(storeBehind(aware))
})
