/**
 * StateStore and OutboxReader in process memory: the embedded mode's working state. A commit applies
 * its state operations, outbox entries and processed markers in one synchronous step, which is atomic
 * in a single-threaded runtime, exactly as MULTI is in Redis. Processed markers live as long as in
 * Redis (a day past the topics' retention) and are pruned as commits add new ones, so the set stays
 * bounded under any load.
 */
import { Effect, Layer } from "effect"
import {
  type AtomicWrite,
  type CommitResult,
  DEFAULT_TOPIC_RETENTION_MS,
  markerLifetimeMs,
  type BusMessage,
  type PendingEvent,
  StateStore,
  type StateOp,
  toBusMessage,
  WriteConflict
} from "@kasa/shared"
import { layerMemoryOutbox } from "./memory-outbox-reader.ts"

interface Entry {
  value: string
  expiresAt: number | undefined
}

export interface MemoryStateOptions {
  /** The topics' retention (TOPIC_RETENTION_MS); processed markers outlive it (`markerLifetimeMs`). Default 7 days. */
  readonly topicRetentionMs?: number
  /** Milliseconds since the epoch; tests move it to see markers expire. */
  readonly now?: () => number
}

const markerKey = (group: string, eventId: string): string => `${group}\u0000${eventId}`

export class MemoryStateData {
  readonly values = new Map<string, Entry>()
  readonly streams = new Map<string, Array<Readonly<Record<string, string>>>>()
  /** Marker → when it expires. Insertion order is expiry order (one lifetime for all), which makes pruning cheap. */
  readonly processed = new Map<string, number>()
  readonly outbox: Array<PendingEvent> = []
  private outboxSeq = 0
  private waiters: Array<() => void> = []
  private readonly markerLifetimeMs: number
  private readonly now: () => number

  constructor(options: MemoryStateOptions = {}) {
    this.markerLifetimeMs = markerLifetimeMs(options.topicRetentionMs ?? DEFAULT_TOPIC_RETENTION_MS)
    this.now = options.now ?? Date.now
  }

  isProcessed(group: string, eventId: string): boolean {
    const expiresAt = this.processed.get(markerKey(group, eventId))
    return expiresAt !== undefined && expiresAt > this.now()
  }

  /** Drops expired markers from the oldest on, stopping at the first live one. */
  private pruneMarkers(now: number): void {
    for (const [key, expiresAt] of this.processed) {
      if (expiresAt > now) return
      this.processed.delete(key)
    }
  }

  read(key: string): string | undefined {
    const entry = this.values.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.values.delete(key)
      return undefined
    }
    return entry.value
  }

  private apply(op: StateOp): void {
    switch (op.op) {
      case "set":
        this.values.set(op.key, { value: op.value, expiresAt: op.ttlSeconds === undefined ? undefined : Date.now() + op.ttlSeconds * 1000 })
        return
      case "delete":
        this.values.delete(op.key)
        this.streams.delete(op.key)
        return
      case "append": {
        const stream = this.streams.get(op.key) ?? []
        stream.push({ ...op.fields })
        if (op.maxLength !== undefined && stream.length > op.maxLength) stream.splice(0, stream.length - op.maxLength)
        this.streams.set(op.key, stream)
        return
      }
      case "incrementBy": {
        const current = Number(this.read(op.key) ?? "0")
        const entry = this.values.get(op.key)
        this.values.set(op.key, { value: String(current + op.by), expiresAt: entry?.expiresAt })
        return
      }
    }
  }

  /** The key of the first precondition that does not hold, if any. */
  conflict(write: AtomicWrite): string | undefined {
    for (const condition of write.expect ?? []) if (this.read(condition.key) !== condition.value) return condition.key
    return undefined
  }

  /** True when one of the write's processed markers is already set: the message was applied before. */
  duplicate(write: AtomicWrite): boolean {
    for (const marker of write.processed ?? []) if (this.isProcessed(marker.group, marker.eventId)) return true
    return false
  }

  commit(write: AtomicWrite): void {
    for (const op of write.ops ?? []) this.apply(op)
    for (const event of write.events ?? []) this.outbox.push({ id: String(++this.outboxSeq), event })
    const markers = write.processed ?? []
    if (markers.length > 0) {
      const now = this.now()
      this.pruneMarkers(now)
      for (const marker of markers) {
        const key = markerKey(marker.group, marker.eventId)
        // Re-inserted at the end, so the order stays the order of expiry.
        this.processed.delete(key)
        this.processed.set(key, now + this.markerLifetimeMs)
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

export const makeMemoryStateStore = (data: MemoryStateData) =>
  StateStore.of({
    get: (key) => Effect.sync(() => data.read(key)),
    getMany: (keys) => Effect.sync(() => keys.map((key) => data.read(key))),
    readStream: (key) => Effect.sync(() => data.streams.get(key) ?? []),
    commit: (write) =>
      Effect.suspend((): Effect.Effect<CommitResult, WriteConflict> => {
        if (data.duplicate(write)) return Effect.succeed("duplicate")
        const key = data.conflict(write)
        if (key !== undefined) return Effect.fail(new WriteConflict({ key }))
        data.commit(write)
        return Effect.succeed("committed")
      }),
    processed: (group, ids) => Effect.sync(() => new Set(ids.filter((id) => data.isProcessed(group, id))))
  })

/** StateStore and the outbox's reader, lease and backlog over one fresh set of in-memory data. */
export const layerStateStore = (data: MemoryStateData = new MemoryStateData()) =>
  Layer.mergeAll(Layer.succeed(StateStore, makeMemoryStateStore(data)), layerMemoryOutbox(data))
