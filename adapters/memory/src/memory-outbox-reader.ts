/**
 * The relay's view of the in-memory outbox (the embedded mode): the entries `MemoryStateData.commit`
 * appended, oldest first, removed once the bus acknowledged them; a wait wakes on the next commit
 * that adds events. The lease and the dead place behave as the Redis ones do (one process has one
 * relay per outbox anyway, but the same contract suite runs over both), kept beside the data they
 * belong to, so every store opened over the same data shares them as processes share a Redis.
 */
import { Effect, Layer } from "effect"
import { type DeadOutboxEntry, OutboxBacklog, OutboxLease, OutboxReader } from "@kasa/shared"
import type { MemoryStateData } from "./memory-state-store.ts"

interface OutboxSideState {
  lease: { holder: string; expiresAt: number } | undefined
  readonly dead: Array<DeadOutboxEntry>
  deadSeq: number
  /** When each entry was first seen by the relay's side: the embedded outbox stores no write time. */
  readonly seenAt: WeakMap<object, number>
}

const sideStates = new WeakMap<MemoryStateData, OutboxSideState>()
const sideOf = (data: MemoryStateData): OutboxSideState => {
  let side = sideStates.get(data)
  if (side === undefined) {
    side = { lease: undefined, dead: [], deadSeq: 0, seenAt: new WeakMap() }
    sideStates.set(data, side)
  }
  return side
}

export const makeMemoryOutboxReader = (data: MemoryStateData) =>
  OutboxReader.of({
    pending: (max) =>
      Effect.sync(() => {
        const seen = sideOf(data).seenAt
        const now = Date.now()
        const head = data.outbox.slice(0, max)
        for (const entry of head) if (!seen.has(entry)) seen.set(entry, now)
        return head
      }),
    acknowledge: (ids) =>
      Effect.sync(() => {
        const acknowledged = new Set(ids)
        let drop = 0
        while (drop < data.outbox.length && acknowledged.has(data.outbox[drop]!.id)) drop++
        data.outbox.splice(0, drop)
        if (drop < ids.length) {
          const rest = data.outbox.filter((entry) => !acknowledged.has(entry.id))
          data.outbox.splice(0, data.outbox.length, ...rest)
        }
      }),
    waitForPending: (timeoutMs) => Effect.promise(() => data.waitForOutbox(timeoutMs))
  })

export const makeMemoryOutboxLease = (data: MemoryStateData, holder: string = crypto.randomUUID()) =>
  OutboxLease.of({
    holder,
    hold: (ttlMs) =>
      Effect.sync(() => {
        const side = sideOf(data)
        const now = Date.now()
        if (side.lease !== undefined && side.lease.holder !== holder && side.lease.expiresAt > now) return false
        side.lease = { holder, expiresAt: now + ttlMs }
        return true
      }),
    release: Effect.sync(() => {
      const side = sideOf(data)
      if (side.lease?.holder === holder) side.lease = undefined
    })
  })

/** A best-effort picture of an in-memory event for an operator (its encoder may be what failed). */
const fieldsOf = (event: MemoryStateData["outbox"][number]["event"]): Record<string, string> => {
  let envelope: string
  try {
    envelope = JSON.stringify(event.envelope) ?? "undefined"
  } catch (error) {
    envelope = `(cannot be encoded: ${String(error)})`
  }
  return { topic: event.topic, key: event.key, envelope }
}

export const makeMemoryOutboxBacklog = (data: MemoryStateData) =>
  OutboxBacklog.of({
    stats: Effect.sync(() => {
      const side = sideOf(data)
      const oldest = data.outbox[0]
      const now = Date.now()
      if (oldest !== undefined && !side.seenAt.has(oldest)) side.seenAt.set(oldest, now)
      return { pending: data.outbox.length, oldestAgeMs: oldest === undefined ? 0 : now - side.seenAt.get(oldest)!, dead: side.dead.length }
    }),
    setAside: (id, reason) =>
      Effect.sync(() => {
        const at = data.outbox.findIndex((entry) => entry.id === id)
        if (at < 0) return false
        const [entry] = data.outbox.splice(at, 1)
        const side = sideOf(data)
        side.dead.push({ id: String(++side.deadSeq), outboxId: id, reason, setAsideAt: Date.now(), fields: fieldsOf(entry!.event) })
        return true
      }),
    dead: (max) => Effect.sync(() => sideOf(data).dead.slice(0, max))
  })

/** The relay's side of an in-memory outbox: reader, lease (a fresh holder per layer build) and backlog. */
export const layerMemoryOutbox = (data: MemoryStateData) =>
  Layer.mergeAll(
    Layer.succeed(OutboxReader, makeMemoryOutboxReader(data)),
    Layer.sync(OutboxLease, () => makeMemoryOutboxLease(data)),
    Layer.succeed(OutboxBacklog, makeMemoryOutboxBacklog(data))
  )
