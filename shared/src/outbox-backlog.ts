/**
 * What an operator needs to see of an outbox beside the relay's own work: how much is waiting and
 * for how long (metrics and readiness, SPEC §5), and the entries set aside because they can never be
 * published (unreadable, or not encodable as a message). A poison entry is moved out of the outbox
 * into a dead place rather than retried forever, so the entries behind it are published; it stays
 * there for an operator to inspect (`bun run ops -- outbox dead <app>`).
 */
import { Context, type Effect, Schema } from "effect"
import type { StoreUnavailable } from "./state-store.ts"

export interface OutboxStats {
  /** Entries not yet acknowledged. */
  readonly pending: number
  /** Age of the oldest of them in milliseconds; 0 when there is none. */
  readonly oldestAgeMs: number
  /** Entries set aside so far. */
  readonly dead: number
}

export interface DeadOutboxEntry {
  /** Id of the entry in the dead place. */
  readonly id: string
  /** Id it had in the outbox. */
  readonly outboxId: string
  readonly reason: string
  /** When it was set aside, epoch milliseconds. */
  readonly setAsideAt: number
  /** The entry as stored (store-specific fields, e.g. topic, key, envelope). */
  readonly fields: Readonly<Record<string, string>>
}

/** The oldest outbox entry cannot be read as an event: the relay sets it aside and goes on. */
export class UnreadableOutboxEntry extends Schema.TaggedError<UnreadableOutboxEntry>()("UnreadableOutboxEntry", {
  id: Schema.String,
  reason: Schema.String
}) {}

export class OutboxBacklog extends Context.Service<
  OutboxBacklog,
  {
    readonly stats: Effect.Effect<OutboxStats, StoreUnavailable>
    /** Moves one entry out of the outbox into the dead place with its reason; false if it was gone. */
    readonly setAside: (id: string, reason: string) => Effect.Effect<boolean, StoreUnavailable>
    /** Dead entries, oldest first. */
    readonly dead: (max: number) => Effect.Effect<ReadonlyArray<DeadOutboxEntry>, StoreUnavailable>
  }
>()("@kasa/shared/OutboxBacklog") {}
