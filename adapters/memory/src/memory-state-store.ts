/**
 * StateStore and OutboxReader in process memory: the embedded mode's working state. A commit applies
 * its state operations, outbox entries and processed markers in one synchronous step, which is atomic
 * in a single-threaded runtime, exactly as MULTI is in Redis.
 */
import { Effect, Layer } from "effect"
import { type AtomicWrite, type PendingEvent, StateStore, type StateOp, WriteConflict } from "@kasa/shared"
import { layerMemoryOutbox } from "./memory-outbox-reader.ts"

interface Entry {
  value: string
  expiresAt: number | undefined
}

export class MemoryStateData {
  readonly values = new Map<string, Entry>()
  readonly streams = new Map<string, Array<Readonly<Record<string, string>>>>()
  readonly processed = new Set<string>()
  readonly outbox: Array<PendingEvent> = []
  private outboxSeq = 0
  private waiters: Array<() => void> = []

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

  commit(write: AtomicWrite): void {
    for (const op of write.ops ?? []) this.apply(op)
    for (const event of write.events ?? []) this.outbox.push({ id: String(++this.outboxSeq), event })
    for (const marker of write.processed ?? []) this.processed.add(`${marker.group}\u0000${marker.eventId}`)
    if ((write.events?.length ?? 0) > 0 && this.waiters.length > 0) {
      const waiters = this.waiters
      this.waiters = []
      for (const wake of waiters) wake()
    }
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
      Effect.suspend(() => {
        const key = data.conflict(write)
        if (key !== undefined) return Effect.fail(new WriteConflict({ key }))
        data.commit(write)
        return Effect.void
      }),
    processed: (group, ids) => Effect.sync(() => new Set(ids.filter((id) => data.processed.has(`${group}\u0000${id}`))))
  })

/** StateStore and the outbox's reader, lease and backlog over one fresh set of in-memory data. */
export const layerStateStore = (data: MemoryStateData = new MemoryStateData()) =>
  Layer.mergeAll(Layer.succeed(StateStore, makeMemoryStateStore(data)), layerMemoryOutbox(data))
