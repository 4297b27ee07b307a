/**
 * The state store port (SPEC §5): a context's working state, written with the events it causes and a
 * consumer's processed marker in one atomic step. State changes are data (`StateOp`), so every store
 * (memory, Redis) applies them the same way; optimistic preconditions make concurrent writers safe.
 * The outbox entries a commit writes are read back by the relay through `OutboxReader` (outbox.ts).
 */
import { Context, Effect, Schema } from "effect"
import type { OutboxEvent } from "./outbox.ts"

/**
 * State changes expressed as data, so every store (memory, Redis) applies them the same way.
 * `ttlSeconds` gives the whole key (value, stream or counter) that lifetime from this write on, so
 * session state written with it expires after that long without activity (SPEC §2); without it a
 * `set` makes the key permanent while `append` and `incrementBy` leave its lifetime as it was.
 */
export type StateOp =
  | { readonly op: "set"; readonly key: string; readonly value: string; readonly ttlSeconds?: number }
  | { readonly op: "delete"; readonly key: string }
  | { readonly op: "append"; readonly key: string; readonly fields: Readonly<Record<string, string>>; readonly maxLength?: number; readonly ttlSeconds?: number }
  | { readonly op: "incrementBy"; readonly key: string; readonly by: number; readonly ttlSeconds?: number }

/**
 * "This group has applied this message." An envelope's `event_id`, or for a message that has none (it
 * could not be decoded) its place on the log: see `offsetMarkerId`.
 */
export interface ProcessedMarker {
  readonly group: string
  readonly eventId: string
}

/** The marker id of a message without an event_id: its topic, partition and offset. */
export const offsetMarkerId = (topic: string, partition: number, offset: number): string => `@${topic}/${partition}/${offset}`

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * How long a processed marker lives: strictly longer than any message it guards can still be on the
 * topic (its retention), so a replay after a long outage never finds the marker gone and re-applies.
 */
export const markerLifetimeMs = (topicRetentionMs: number): number => topicRetentionMs + DAY_MS

/**
 * What a commit did. "duplicate": one of its processed markers was already there, so another member
 * (or an earlier attempt) applied this message first and nothing of this write was applied.
 */
export type CommitResult = "committed" | "duplicate"

/** Optimistic concurrency: the write applies only if `key` still holds `value` (undefined = absent). */
export interface Precondition {
  readonly key: string
  readonly value: string | undefined
}

/** A column's value in a record table. */
export type RecordValue = string | number | bigint | boolean | null

/**
 * A change to the shop's records (SPEC §4.4, §4.8: payment transactions, refunds, orders), which live
 * in SQL tables of their own beside the key-value state. Only a SQL store applies them (in the same
 * transaction as the rest of the write); the memory and Redis stores refuse a write that has any.
 * An insert that breaks a unique constraint, or an update that matches no row (the version it
 * expected is gone), fails the whole write with WriteConflict naming `conflictKey`.
 */
export type RecordWrite =
  | { readonly op: "insert"; readonly table: string; readonly row: Readonly<Record<string, RecordValue>>; readonly conflictKey: string }
  | {
      readonly op: "update"
      readonly table: string
      readonly set: Readonly<Record<string, RecordValue>>
      /** Column equalities that must match exactly one row (e.g. the id and the version read). */
      readonly where: Readonly<Record<string, RecordValue>>
      readonly conflictKey: string
    }

/** Why a store without record tables refuses a write, or undefined when it has none. */
export const recordsRefused = (write: AtomicWrite): string | undefined =>
  (write.records?.length ?? 0) > 0 ? `this store keeps no records (${write.records![0]!.table}); records need a SQL store` : undefined

export interface AtomicWrite {
  /** Checked in the same atomic step as the write; any mismatch fails it with WriteConflict. */
  readonly expect?: ReadonlyArray<Precondition>
  readonly ops?: ReadonlyArray<StateOp>
  /** Record rows, applied after `ops` (SQL stores only). */
  readonly records?: ReadonlyArray<RecordWrite>
  readonly events?: ReadonlyArray<OutboxEvent>
  /** Set in the same atomic step, which applies only if none of them is set yet (else "duplicate"). */
  readonly processed?: ReadonlyArray<ProcessedMarker>
}

export class StoreUnavailable extends Schema.TaggedError<StoreUnavailable>()("StoreUnavailable", {
  operation: Schema.String,
  message: Schema.String
}) {}

/** A precondition did not hold: someone else wrote first. Nothing of the write was applied. */
export class WriteConflict extends Schema.TaggedError<WriteConflict>()("WriteConflict", {
  key: Schema.String
}) {}

export class StateStore extends Context.Service<
  StateStore,
  {
    readonly get: (key: string) => Effect.Effect<string | undefined, StoreUnavailable>
    readonly getMany: (keys: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<string | undefined>, StoreUnavailable>
    readonly readStream: (key: string) => Effect.Effect<ReadonlyArray<Readonly<Record<string, string>>>, StoreUnavailable>
    /** All of it or none of it; none when a processed marker is already set ("duplicate"). */
    readonly commit: (write: AtomicWrite) => Effect.Effect<CommitResult, StoreUnavailable | WriteConflict>
    /** The subset of `eventIds` this group has already processed. */
    readonly processed: (group: string, eventIds: ReadonlyArray<string>) => Effect.Effect<ReadonlySet<string>, StoreUnavailable>
  }
>()("@kasa/shared/StateStore") {}

