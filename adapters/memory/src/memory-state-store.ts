/**
 * StateStore and OutboxReader in process memory: the embedded mode's working state. A commit applies
 * its state operations, outbox entries and processed markers in one synchronous step, which is atomic
 * in a single-threaded runtime, exactly as MULTI is in Redis. Keys written with a lifetime (values,
 * streams and counters alike) are swept on a timer as well as hidden when read, so a process that
 * serves many short sessions gives their memory back rather than only forgetting them when asked.
 * Processed markers live as long as in Redis (a day past the topics' retention) unless told otherwise
 * (the embedded app keeps them minutes, infra-layer.ts) and are pruned as commits add new ones and by
 * the sweep, so the set stays bounded under any load and empties once the traffic stops. With
 * `maxBacklog`, a request's write waits while too many events are still unhandled (`heldBack`).
 */
import { Data, Duration, Effect, Layer, Schedule } from "effect"
import {
  type AtomicWrite,
  type BusMessage,
  batchAware,
  type CommitResult,
  DEFAULT_TOPIC_RETENTION_MS,
  markerLifetimeMs,
  type PendingEvent,
  recordsRefused,
  StateStore,
  type StateOp,
  StoreUnavailable,
  toBusMessage,
  WriteConflict
} from "@kasa/shared"
import { ArenaTable } from "./arena-table.ts"
import { layerMemoryOutbox } from "./memory-outbox-reader.ts"
import { FullCollection } from "./full-collection.ts"
import { appendEntry, streamEntries } from "./memory-stream.ts"
import { TextPacker } from "./packed-text.ts"
import { SlabSpace } from "./slab-space.ts"

export interface MemoryStateOptions {
  /** The topics' retention (TOPIC_RETENTION_MS); processed markers outlive it (`markerLifetimeMs`). Default 7 days. */
  readonly topicRetentionMs?: number
  /** How long a processed marker lives; default `markerLifetimeMs(topicRetentionMs)` (retention + 1 day). */
  readonly markerLifetimeMs?: number
  /** Milliseconds since the epoch; tests move it to see markers expire. */
  readonly now?: () => number
  /**
   * Markers `group` wrote before this time can go before their lifetime is over: the bus will not
   * deliver their messages to it again (the embedded app's broker knows, `MemoryBroker.uncommittedSince`).
   */
  readonly markerHorizon?: (group: string) => number
  /**
   * How many events the store's outbox and the bus behind it may hold unhandled before a request's
   * write waits (embedded: its consumers are on the same event loop as its requests, and nothing else
   * would stop a load faster than they are from piling events up in memory). Default: no limit.
   */
  readonly maxBacklog?: number
  /** Events published and not yet handled by every group that reads them (`MemoryBroker.unread`). */
  readonly unreadElsewhere?: () => number
  /** How long a held-back write waits at most (default BACKLOG_WAIT_MS). */
  readonly backlogWaitMs?: number
  /** How many long values the store learns its packing dictionary from, at most (default LEARN_FROM, packed-text.ts). */
  readonly learnFrom?: number
}

const markerKey = (group: string, eventId: string): string => `${group}\u0000${eventId}`

const expiry = (ttlSeconds: number | undefined, now: number): number | undefined => (ttlSeconds === undefined ? undefined : now + ttlSeconds * 1000)

/** How long a request's write waits by default for the backlog to fall under `maxBacklog` before it goes ahead anyway, and how often it looks. */
export const BACKLOG_WAIT_MS = 5_000
const BACKLOG_LOOK_MS = 5
/** How long a measure of the backlog is used before it is taken again (it walks every group's partitions). */
const BACKLOG_MEASURE_MS = 10

/** How often a slice of the keys is swept for expired ones. */
export const SWEEP_INTERVAL_MS = 100
/** How many keys one slice looks at: the event loop is never held for a whole pass over a large store. */
export const SWEEP_BUDGET = 2_000

export class MemoryStateData {
  /** Where values and streams keep their bytes (slab-space.ts says why not as objects). */
  readonly space = new SlabSpace()
  /** Values: the payload is the text, deflated when long; the mark says how (packed-text.ts). */
  readonly values = new ArenaTable(this.space)
  /** Packs the values' text, with a dictionary it learns from the first of them. */
  readonly packer: TextPacker
  /** Streams: the payload is the entries (memory-stream.ts). */
  readonly streams = new ArenaTable(this.space)
  /** Marker → when it expires. Insertion order is expiry order (one lifetime for all), which makes pruning cheap. */
  readonly processed = new Map<string, number>()
  readonly outbox: Array<PendingEvent> = []
  private outboxSeq = 0
  private waiters: Array<() => void> = []
  /** Where the sweep goes on from: a record number of the table it is in (values, then streams). */
  private sweepRecord = 0
  private sweepingStreams = false
  private midPass = false
  /** How many records sweeps have looked at (tests see a sweep that need not look does not). */
  looked = 0
  /** How many commits the store has applied (the sweeper's collection tells a quiet store by it). */
  commits = 0
  /**
   * No key expires before this (a lower bound): the sliced sweep does nothing until then, so a store
   * whose keys live for hours costs no CPU to watch. Lowered by every write with a lifetime; set, at the
   * end of each pass, to the earliest expiry the pass saw or a write made meanwhile.
   */
  private nextExpiry = Number.POSITIVE_INFINITY
  private passEarliest = Number.POSITIVE_INFINITY
  private writtenEarliest = Number.POSITIVE_INFINITY
  private readonly markerLifetimeMs: number
  private readonly markerHorizon: ((group: string) => number) | undefined
  private readonly maxBacklog: number
  private readonly unreadElsewhere: () => number
  /** How long a held-back write waits at most before it goes ahead. */
  readonly backlogWaitMs: number
  private unreadSeen = 0
  private unreadSeenAt = Number.NEGATIVE_INFINITY
  /** Milliseconds since the epoch, as markers count them. */
  readonly now: () => number

  constructor(options: MemoryStateOptions = {}) {
    this.markerLifetimeMs = options.markerLifetimeMs ?? markerLifetimeMs(options.topicRetentionMs ?? DEFAULT_TOPIC_RETENTION_MS)
    this.now = options.now ?? Date.now
    this.markerHorizon = options.markerHorizon
    this.maxBacklog = options.maxBacklog ?? Number.POSITIVE_INFINITY
    this.unreadElsewhere = options.unreadElsewhere ?? (() => 0)
    this.backlogWaitMs = options.backlogWaitMs ?? BACKLOG_WAIT_MS
    this.packer = new TextPacker(options.learnFrom)
  }

  isProcessed(group: string, eventId: string): boolean {
    const expiresAt = this.processed.get(markerKey(group, eventId))
    return expiresAt !== undefined && expiresAt > this.now()
  }

  /**
   * Drops markers from the oldest on, those expired or (with a horizon) written before their group's,
   * stopping at the first to keep or after `budget`; returns how many went.
   */
  pruneMarkers(now: number, budget: number = Number.POSITIVE_INFINITY): number {
    let removed = 0
    const horizons = new Map<string, number>()
    for (const [key, expiresAt] of this.processed) {
      if (removed >= budget) break
      if (expiresAt > now) {
        if (this.markerHorizon === undefined) break
        const group = key.slice(0, key.indexOf("\u0000"))
        let horizon = horizons.get(group)
        if (horizon === undefined) horizons.set(group, (horizon = this.markerHorizon(group)))
        if (expiresAt - this.markerLifetimeMs >= horizon) break
      }
      this.processed.delete(key)
      removed++
    }
    return removed
  }

  /** How many values, streams and markers the store holds. */
  get size(): number {
    return this.values.size + this.streams.size + this.processed.size
  }

  /** The live record of `key` in `table`, or -1 (an expired one is dropped on the way). */
  private live(table: ArenaTable, key: string, now: number): number {
    const record = table.find(key)
    if (record === -1) return -1
    const expiresAt = table.expiresAt(record)
    if (expiresAt !== undefined && expiresAt <= now) {
      table.remove(record)
      return -1
    }
    return record
  }

  read(key: string): string | undefined {
    const record = this.live(this.values, key, Date.now())
    if (record === -1) return undefined
    return this.packer.unpack(this.values.payload(record), this.values.mark(record))
  }

  readStream(key: string): ReadonlyArray<Readonly<Record<string, string>>> {
    const record = this.live(this.streams, key, Date.now())
    return record === -1 ? [] : streamEntries(this.streams, record)
  }

  /** Every value as [key, text] (tests and tools; not for a request path). */
  valueEntries(): Array<[string, string]> {
    return [...this.values.keys()].flatMap((key): Array<[string, string]> => {
      const value = this.read(key)
      return value === undefined ? [] : [[key, value]]
    })
  }

  /** Every stream as [key, its entries] (tests and tools; not for a request path). */
  streamEntries(): Array<[string, ReadonlyArray<Readonly<Record<string, string>>>]> {
    return [...this.streams.keys()].map((key) => [key, this.readStream(key)])
  }

  /**
   * Looks at the next `budget` keys (values, then streams, then round again) and drops the expired
   * ones; returns how many went. Called in slices, as Redis's active expiry does, so a large store
   * never holds the event loop for a whole pass.
   */
  sweep(now: number = Date.now(), budget: number = Number.POSITIVE_INFINITY): number {
    let removed = 0
    if (budget === Number.POSITIVE_INFINITY) {
      this.midPass = false
    } else if (!this.midPass && now < this.nextExpiry) {
      // Between passes, and nothing can have expired yet.
      return 0
    }
    for (let looked = 0; looked < budget; ) {
      if (!this.midPass) {
        this.midPass = true
        this.sweepRecord = 0
        this.sweepingStreams = false
        this.passEarliest = Number.POSITIVE_INFINITY
        this.writtenEarliest = Number.POSITIVE_INFINITY
      }
      const table = this.sweepingStreams ? this.streams : this.values
      if (this.sweepRecord >= table.extent) {
        this.sweepRecord = 0
        if (!this.sweepingStreams) {
          this.sweepingStreams = true
          continue
        }
        // A whole pass over both tables: nothing expires before what it saw or what was written meanwhile.
        this.midPass = false
        this.nextExpiry = Math.min(this.passEarliest, this.writtenEarliest)
        if (budget === Number.POSITIVE_INFINITY || now < this.nextExpiry) return removed
        continue
      }
      const record = this.sweepRecord++
      looked++
      if (!table.isLive(record)) continue
      this.looked++
      const expiresAt = table.expiresAt(record)
      if (expiresAt === undefined) continue
      if (expiresAt <= now) {
        table.remove(record)
        removed++
      } else if (expiresAt < this.passEarliest) this.passEarliest = expiresAt
    }
    return removed
  }

  /** A key was given a lifetime: the sweep must look again by then. */
  private expiresBy(at: number | undefined): void {
    if (at === undefined) return
    if (at < this.nextExpiry) this.nextExpiry = at
    if (at < this.writtenEarliest) this.writtenEarliest = at
  }

  private apply(op: StateOp, now: number): void {
    switch (op.op) {
      case "set": {
        this.setValue(op.key, op.value, expiry(op.ttlSeconds, now))
        return
      }
      case "delete":
        this.values.delete(op.key)
        this.streams.delete(op.key)
        return
      case "append": {
        const existing = this.live(this.streams, op.key, now)
        const record = appendEntry(this.streams, op.key, op.fields, op.maxLength)
        if (op.ttlSeconds !== undefined) this.streams.setExpiresAt(record, expiry(op.ttlSeconds, now))
        else if (existing === -1) this.streams.setExpiresAt(record, undefined)
        this.expiresBy(this.streams.expiresAt(record))
        return
      }
      case "incrementBy": {
        const current = Number(this.read(op.key) ?? "0")
        const record = this.values.find(op.key)
        const expiresAt = op.ttlSeconds === undefined ? (record === -1 ? undefined : this.values.expiresAt(record)) : expiry(op.ttlSeconds, now)
        this.setValue(op.key, String(current + op.by), expiresAt)
        return
      }
    }
  }

  private setValue(key: string, text: string, expiresAt: number | undefined): void {
    const record = this.values.write(key, this.packer.pack(text))
    this.values.setMark(record, this.packer.packedMark)
    this.values.setExpiresAt(record, expiresAt)
    this.expiresBy(expiresAt)
  }

  /** The key of the first precondition that does not hold, if any. */
  conflict(write: AtomicWrite): string | undefined {
    for (const condition of write.expect ?? []) if (this.read(condition.key) !== condition.value) return condition.key
    return undefined
  }

  /**
   * Whether `write` should wait before it applies: it comes from a request (events, no processed
   * markers; a consumer's write is how the backlog drains) while the events not yet handled by every
   * group are over `maxBacklog`.
   */
  heldBack(write: AtomicWrite): boolean {
    if (this.maxBacklog === Number.POSITIVE_INFINITY || (write.events?.length ?? 0) === 0 || (write.processed?.length ?? 0) > 0) return false
    const now = Date.now()
    if (now - this.unreadSeenAt >= BACKLOG_MEASURE_MS) {
      this.unreadSeen = this.unreadElsewhere()
      this.unreadSeenAt = now
    }
    return this.outbox.length + this.unreadSeen > this.maxBacklog
  }

  /** True when one of the write's processed markers is already set: the message was applied before. */
  duplicate(write: AtomicWrite): boolean {
    for (const marker of write.processed ?? []) if (this.isProcessed(marker.group, marker.eventId)) return true
    return false
  }

  commit(write: AtomicWrite): void {
    this.commits++
    const now = Date.now()
    for (const op of write.ops ?? []) this.apply(op, now)
    for (const event of write.events ?? []) this.outbox.push({ id: String(++this.outboxSeq), event })
    const markers = write.processed ?? []
    if (markers.length > 0) {
      const markedAt = this.now()
      this.pruneMarkers(markedAt)
      for (const marker of markers) {
        const key = markerKey(marker.group, marker.eventId)
        // Re-inserted at the end, so the order stays the order of expiry.
        this.processed.delete(key)
        this.processed.set(key, markedAt + this.markerLifetimeMs)
      }
    }
    if ((write.events?.length ?? 0) > 0 && this.waiters.length > 0) {
      const waiters = this.waiters
      this.waiters = []
      for (const wake of waiters) wake()
    }
  }

  /** What the outbox holds for `topic`, as the relay will publish it (tests read dead letters here). */
  pendingMessages(topic: string): ReadonlyArray<BusMessage> {
    return this.outbox.filter((entry) => entry.event.topic === topic).map((entry) => toBusMessage(entry.event))
  }

  waitForOutbox(timeoutMs: number): Promise<void> {
    if (this.outbox.length > 0) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs)
      this.waiters.push(() => {
        clearTimeout(timer)
        resolve()
      })
    })
  }
}

/** A request's write still waits for the backlog (retried on `roomFor`'s schedule, never seen outside it). */
class HeldBack extends Data.TaggedError("HeldBack") {}

/**
 * Waits while `write` is held back (MemoryStateData.heldBack), looking every few milliseconds, for at
 * most `backlogWaitMs`: a request is slowed down to the pace its consumers keep, never refused.
 */
const roomFor = (data: MemoryStateData, write: AtomicWrite): Effect.Effect<void> =>
  Effect.suspend(() => (data.heldBack(write) ? Effect.fail(new HeldBack()) : Effect.void)).pipe(
    Effect.retry({ schedule: Schedule.spaced(Duration.millis(BACKLOG_LOOK_MS)), times: Math.ceil(data.backlogWaitMs / BACKLOG_LOOK_MS) }),
    Effect.ignore
  )

/** Applies `write` now: refused, a duplicate, a conflict, or committed. */
const applyWrite = (data: MemoryStateData, write: AtomicWrite): Effect.Effect<CommitResult, WriteConflict | StoreUnavailable> => {
  const refused = recordsRefused(write)
  if (refused !== undefined) return Effect.fail(new StoreUnavailable({ operation: "commit", message: `refused: ${refused}` }))
  if (data.duplicate(write)) return Effect.succeed("duplicate")
  const key = data.conflict(write)
  if (key !== undefined) return Effect.fail(new WriteConflict({ key }))
  data.commit(write)
  return Effect.succeed("committed")
}

export const makeMemoryStateStore = (data: MemoryStateData) =>
  StateStore.of({
    get: (key) => Effect.sync(() => data.read(key)),
    getMany: (keys) => Effect.sync(() => keys.map((key) => data.read(key))),
    readStream: (key) => Effect.sync(() => data.readStream(key)),
    commit: (write) =>
      Effect.suspend(() =>
        data.heldBack(write) ? Effect.andThen(roomFor(data, write), Effect.suspend(() => applyWrite(data, write))) : applyWrite(data, write)
      ),
    processed: (group, ids) => Effect.sync(() => new Set(ids.filter((id) => data.isProcessed(group, id))))
  })

/**
 * Every `intervalMs` for as long as the layer's scope lives: sweeps a slice of `data`'s keys, prunes
 * its expired processed markers (nothing else does while no commit comes), and has the runtime
 * collect once a good share of the store is gone (full-collection.ts).
 */
const layerSweeper = (data: MemoryStateData, intervalMs: number, collection: FullCollection) =>
  Layer.effectDiscard(
    Effect.forkScoped(
      Effect.repeat(
        Effect.sync(() => {
          collection.note(data.sweep(Date.now(), SWEEP_BUDGET) + data.pruneMarkers(data.now(), SWEEP_BUDGET), data.size, data.commits)
        }),
        Schedule.spaced(intervalMs)
      )
    )
  )

/** StateStore and the outbox's reader, lease and backlog over one fresh set of in-memory data, its expired keys swept while the layer lives. */
export const layerMemoryStateStore = (
  data: MemoryStateData = new MemoryStateData(),
  options: { readonly sweepIntervalMs?: number; readonly collection?: FullCollection } = {}
) =>
  Layer.mergeAll(
    Layer.succeed(StateStore, batchAware(makeMemoryStateStore(data))),
    layerMemoryOutbox(data),
    layerSweeper(data, options.sweepIntervalMs ?? SWEEP_INTERVAL_MS, options.collection ?? new FullCollection())
  )
