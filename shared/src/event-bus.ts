/**
 * The EventBus port: publish keyed messages with headers, and subscribe a consumer group to topics.
 * It carries no client types so Kafka (platformatic), a librdkafka adapter or the in-memory bus can
 * sit behind it. Delivery is per partition, in offset order; the bus commits a batch's offsets only
 * after its handler has finished, so a member that dies mid-batch has that batch redelivered.
 */
import { Context, Effect, Schema } from "effect"
import type { Scope } from "effect"

export interface BusMessage {
  readonly topic: string
  readonly key: string
  readonly value: Uint8Array
  readonly headers: Readonly<Record<string, string>>
}

export interface DeliveredMessage extends BusMessage {
  readonly partition: number
  readonly offset: number
  readonly timestamp: number
  /**
   * This very object is what every group of the process is given for the record (an in-process bus
   * delivers from its log), so what is decoded from it can be kept with it for as long as it lives.
   */
  readonly inProcess?: boolean
}

/** Messages of one topic-partition, in offset order. */
export interface MessageBatch {
  readonly topic: string
  readonly partition: number
  readonly messages: ReadonlyArray<DeliveredMessage>
}

export interface TopicPartition {
  readonly topic: string
  readonly partition: number
}

export interface SubscribeOptions {
  readonly group: string
  readonly topics: ReadonlyArray<string>
  /** Must not fail: the consumer runtime turns failures into retries and dead letters itself. */
  readonly handle: (batch: MessageBatch) => Effect.Effect<void>
  /** Most messages handed over in one batch. */
  readonly maxBatch?: number
}

export interface Subscription {
  /** Resolves once this member holds partitions (or the group has settled with none for it). */
  readonly ready: Effect.Effect<void>
  readonly assignments: Effect.Effect<ReadonlyArray<TopicPartition>>
  /** Graceful: stop fetching, finish the batch in hand, commit it, leave the group. */
  readonly stop: Effect.Effect<void>
  /** Crash: leave at once, commit nothing; what was in hand is redelivered to another member. */
  readonly abort: Effect.Effect<void>
}

export class EventBusUnavailable extends Schema.TaggedError<EventBusUnavailable>()("EventBusUnavailable", {
  operation: Schema.String,
  message: Schema.String
}) {}

export class EventBus extends Context.Service<
  EventBus,
  {
    /** Resolves when every message is acknowledged by the bus (Kafka: acks=all). */
    readonly publish: (messages: ReadonlyArray<BusMessage>) => Effect.Effect<void, EventBusUnavailable>
    /** The subscription lives until `stop`/`abort` or until the scope closes (graceful stop). */
    readonly subscribe: (options: SubscribeOptions) => Effect.Effect<Subscription, EventBusUnavailable, Scope.Scope>
  }
>()("@kasa/shared/EventBus") {}

export interface TopicSpec {
  readonly name: string
  readonly partitions: number
  readonly replicationFactor: number
  /** How long the broker keeps messages (Kafka `retention.ms`); the broker's default when absent. */
  readonly retentionMs?: number
}

export interface TopicInfo {
  readonly name: string
  readonly partitions: number
}

export interface PartitionLag {
  readonly topic: string
  readonly partition: number
  readonly committed: number
  readonly end: number
  readonly lag: number
}

/** Operations on the bus itself: provisioning, listing, lag. Used at start-up, by health and by ops. */
export class EventBusAdmin extends Context.Service<
  EventBusAdmin,
  {
    /** Create if not exists; existing topics keep their partitions but get the given retention. */
    readonly ensureTopics: (topics: ReadonlyArray<TopicSpec>) => Effect.Effect<void, EventBusUnavailable>
    readonly listTopics: Effect.Effect<ReadonlyArray<TopicInfo>, EventBusUnavailable>
    readonly groupLag: (group: string, topics: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<PartitionLag>, EventBusUnavailable>
    /** Every message of a topic from the start, without joining a group (ops: tail, DLQ listing). */
    readonly readTopic: (topic: string, options?: { readonly fromEnd?: number }) => Effect.Effect<ReadonlyArray<DeliveredMessage>, EventBusUnavailable>
    readonly ping: Effect.Effect<void, EventBusUnavailable>
  }
>()("@kasa/shared/EventBusAdmin") {}
