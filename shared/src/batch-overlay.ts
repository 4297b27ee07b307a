/**
 * A fetched batch handled at once (ARCHITECTURE §4; issue #8 C): the consumer runtime runs each
 * message's handler in turn, collects what they decide into one write, and commits the whole batch
 * in one atomic step with all its processed markers, instead of one round trip per message. For that
 * a handler must see what the earlier messages of its batch decided: while a batch runs, every read
 * through a batch-aware StateStore (`batchAware`, which every adapter's store is) goes through this
 * overlay, which answers from the batch's own writes first and from the store otherwise (remembering
 * what it read, so the batch sees one consistent state). The combined write keeps each key's first
 * precondition against the store as it was before the batch; a later precondition on a key the batch
 * already wrote or read is checked here, so the commit applies only if the store still holds what the
 * batch started from, exactly as the messages committed one by one would have.
 */
import { Context, Effect } from "effect"
import type { OutboxEvent } from "./outbox.ts"
import { type AtomicWrite, type ProcessedMarker, type StateOp, StateStore, type StoreUnavailable } from "./state-store.ts"

type Fields = Readonly<Record<string, string>>
type Store = typeof StateStore.Service

/** The overlay of the batch the current fiber is handling, if any (provided by the consumer runtime). */
export const CurrentBatchOverlay = Context.Reference<BatchOverlay | undefined>("@kasa/shared/CurrentBatchOverlay", { defaultValue: () => undefined })

const markerKey = (group: string, eventId: string): string => `${group}\u0000${eventId}`

export class BatchOverlay {
  /** What the batch sees for a key: read from the store, or decided by the batch (undefined = absent). */
  private readonly values = new Map<string, string | undefined>()
  /** Keys the batch has written: a precondition on one is checked here, not by the store. */
  private readonly written = new Set<string>()
  /** Streams the batch appended to (or deleted): whether the store's entries still count, and what follows. */
  private readonly streams = new Map<string, { readonly keepStored: boolean; readonly appended: Array<Fields> }>()
  private readonly markers = new Set<string>()
  private readonly expect = new Map<string, string | undefined>()
  private readonly ops: Array<StateOp> = []
  /** Where each key's latest op is in `ops`, and the ops a later set or delete of their key made moot. */
  private readonly latestOp = new Map<string, number>()
  private readonly superseded = new Set<number>()
  private readonly events: Array<OutboxEvent> = []
  private readonly processed: Array<ProcessedMarker> = []

  constructor(private readonly store: Store) {}

  get(key: string): Effect.Effect<string | undefined, StoreUnavailable> {
    if (this.values.has(key)) return Effect.succeed(this.values.get(key))
    return Effect.map(this.store.get(key), (value) => {
      // A read that raced a write of this batch's own (none run concurrently) cannot happen; keep the first.
      if (!this.values.has(key)) this.values.set(key, value)
      return this.values.get(key)
    })
  }

  getMany(keys: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<string | undefined>, StoreUnavailable> {
    const missing = keys.filter((key) => !this.values.has(key))
    if (missing.length === 0) return Effect.succeed(keys.map((key) => this.values.get(key)))
    return Effect.map(this.store.getMany(missing), (found) => {
      missing.forEach((key, i) => {
        if (!this.values.has(key)) this.values.set(key, found[i])
      })
      return keys.map((key) => this.values.get(key))
    })
  }

  readStream(key: string): Effect.Effect<ReadonlyArray<Fields>, StoreUnavailable> {
    const stream = this.streams.get(key)
    if (stream === undefined) return this.store.readStream(key)
    if (!stream.keepStored) return Effect.succeed([...stream.appended])
    return Effect.map(this.store.readStream(key), (stored) => [...stored, ...stream.appended])
  }

  processedOf(group: string, eventIds: ReadonlyArray<string>): Effect.Effect<ReadonlySet<string>, StoreUnavailable> {
    const unknown = eventIds.filter((id) => !this.markers.has(markerKey(group, id)))
    const mine = eventIds.filter((id) => this.markers.has(markerKey(group, id)))
    if (unknown.length === 0) return Effect.succeed(new Set(mine))
    return Effect.map(this.store.processed(group, unknown), (found) => new Set([...found, ...mine]))
  }

  /**
   * Adds one message's write to the batch. "conflict": one of its preconditions does not hold against
   * what the batch sees, or one of its markers is already in the batch; nothing of it was added, and
   * the message must be handled on its own after the batch is committed. "records": the same for a write
   * with records, because handlers read records from their tables, which the batch cannot show them
   * before it commits (the consumer runtime then stops batching that consumer).
   */
  add(write: AtomicWrite): Effect.Effect<"added" | "conflict" | "records", StoreUnavailable> {
    return Effect.suspend(() => {
      if ((write.records?.length ?? 0) > 0) return Effect.succeed("records" as const)
      for (const marker of write.processed ?? []) if (this.markers.has(markerKey(marker.group, marker.eventId))) return Effect.succeed("conflict" as const)
      const fresh: Array<readonly [string, string | undefined]> = []
      for (const condition of write.expect ?? []) {
        const { key, value } = condition
        if (this.values.has(key) || this.expect.has(key)) {
          const seen = this.values.has(key) ? this.values.get(key) : this.expect.get(key)
          if (seen !== value) return Effect.succeed("conflict" as const)
          if (!this.written.has(key) && !this.expect.has(key)) fresh.push([key, value])
        } else {
          fresh.push([key, value])
        }
      }
      // Counters the batch has not seen yet are read first, so a later read in the batch is right.
      const unseen = (write.ops ?? []).filter((op) => op.op === "incrementBy" && !this.values.has(op.key)).map((op) => op.key)
      const before = unseen.length === 0 ? Effect.void : Effect.asVoid(this.getMany(unseen))
      return Effect.map(before, () => {
        for (const [key, value] of fresh) {
          this.expect.set(key, value)
          // The commit applies only if the store holds this: later reads in the batch see it too.
          if (!this.values.has(key)) this.values.set(key, value)
        }
        for (const op of write.ops ?? []) this.apply(op)
        for (const event of write.events ?? []) this.events.push(event)
        for (const marker of write.processed ?? []) {
          this.markers.add(markerKey(marker.group, marker.eventId))
          this.processed.push(marker)
        }
        return "added" as const
      })
    })
  }

  /**
   * The batch as one write: each key's first precondition, every op that still matters, every event
   * and marker, in order. A set or delete followed by a set or delete of the same key is left out: the
   * later one decides the key whatever it held (a session projected for each of twenty events of one
   * batch is written once, not twenty times).
   */
  toWrite(): AtomicWrite {
    return {
      expect: [...this.expect].map(([key, value]) => ({ key, value })),
      ops: this.superseded.size === 0 ? this.ops : this.ops.filter((_, i) => !this.superseded.has(i)),
      events: this.events,
      processed: this.processed
    }
  }

  private apply(op: StateOp): void {
    if (op.op === "set" || op.op === "delete") {
      const before = this.latestOp.get(op.key)
      if (before !== undefined && (this.ops[before]!.op === "set" || this.ops[before]!.op === "delete")) this.superseded.add(before)
    }
    this.latestOp.set(op.key, this.ops.length)
    this.ops.push(op)
    this.written.add(op.key)
    switch (op.op) {
      case "set":
        this.values.set(op.key, op.ttlSeconds !== undefined && op.ttlSeconds <= 0 ? undefined : op.value)
        break
      case "delete":
        this.values.set(op.key, undefined)
        this.streams.set(op.key, { keepStored: false, appended: [] })
        break
      case "incrementBy":
        this.values.set(op.key, String(Number(this.values.get(op.key) ?? "0") + op.by))
        break
      case "append": {
        const stream = this.streams.get(op.key)
        if (stream === undefined) this.streams.set(op.key, { keepStored: true, appended: [op.fields] })
        else stream.appended.push(op.fields)
        break
      }
    }
  }
}

const Inner: unique symbol = Symbol.for("@kasa/shared/BatchAware")

/**
 * The store behind a batch-aware one, which an overlay reads (reading through the aware one would
 * come back to the overlay); undefined when `store` is not batch-aware, so the runtime cannot hand a
 * batch to handlers that would not see its decisions, and handles its messages one by one.
 */
export const storeBehind = (store: Store): Store | undefined => (store as unknown as Record<symbol, Store | undefined>)[Inner]

/**
 * The store every adapter hands out: outside a batch exactly `store`; inside one (the consumer
 * runtime provides `CurrentBatchOverlay`), reads see the batch's decisions. Commits always go to the
 * store itself.
 */
export const batchAware = (store: Store): Store => {
  if (storeBehind(store) !== undefined) return store
  const aware: Store = StateStore.of({
    get: (key) => Effect.flatMap(CurrentBatchOverlay, (overlay) => (overlay === undefined ? store.get(key) : overlay.get(key))),
    getMany: (keys) => Effect.flatMap(CurrentBatchOverlay, (overlay) => (overlay === undefined ? store.getMany(keys) : overlay.getMany(keys))),
    readStream: (key) => Effect.flatMap(CurrentBatchOverlay, (overlay) => (overlay === undefined ? store.readStream(key) : overlay.readStream(key))),
    processed: (group, ids) =>
      Effect.flatMap(CurrentBatchOverlay, (overlay) => (overlay === undefined ? store.processed(group, ids) : overlay.processedOf(group, ids))),
    commit: store.commit
  })
  // Enumerable, so a wrapper that spreads the store (`{ ...store, commit }`, e.g. answeringStore) stays batch-aware.
  Object.defineProperty(aware, Inner, { value: store, enumerable: true })
  return aware
}
