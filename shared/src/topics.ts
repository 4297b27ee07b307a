/**
 * The topics of SPEC §3.2 and their dead-letter twins. Names live here once so producers,
 * consumers, provisioning and the ops CLI can never disagree about them.
 */
import type { TopicSpec } from "./event-bus.ts"

export const Topics = {
  cart: "cart-events",
  shipping: "shipping-events",
  payment: "payment-events",
  promotion: "promotion-events",
  services: "services-events",
  checkout: "checkout-events",
  order: "order-events",
  delivery: "delivery-events",
  inventory: "inventory-events",
  notification: "notification-events",
  checkoutRequests: "checkout.requests",
  checkoutFinished: "checkout.finished"
} as const

export const allTopics: ReadonlyArray<string> = Object.values(Topics)

export const DLQ_SUFFIX = ".dlq"
export const dlqTopic = (topic: string): string => `${topic}${DLQ_SUFFIX}`
export const isDlqTopic = (topic: string): boolean => topic.endsWith(DLQ_SUFFIX)
export const originalOfDlq = (topic: string): string => topic.slice(0, -DLQ_SUFFIX.length)

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * How long a topic keeps its messages when TOPIC_RETENTION_MS is not set. Set explicitly on every
 * topic rather than left to the broker, because processed markers must outlive it (state-store.ts).
 */
export const DEFAULT_TOPIC_RETENTION_MS = 7 * DAY_MS

/** Dead letters wait for a person (DLQ_RETENTION_MS): kept longer than the events themselves. */
export const DEFAULT_DLQ_RETENTION_MS = 30 * DAY_MS

export interface TopicProvisioning {
  readonly partitions: number
  readonly replicationFactor: number
  /** The apps always give both (their configuration has defaults); without them a topic's retention is left as it is. */
  readonly retentionMs?: number
  readonly dlqRetentionMs?: number
}

const withRetention = (spec: TopicSpec, retentionMs: number | undefined): TopicSpec => (retentionMs === undefined ? spec : { ...spec, retentionMs })

/**
 * Every topic and its DLQ with their retention, each name passed through `rename` (tests give each
 * run its own suffix).
 */
export const topicSpecs = (
  options: TopicProvisioning,
  names: ReadonlyArray<string> = allTopics,
  rename: (name: string) => string = (name) => name
): ReadonlyArray<TopicSpec> =>
  names.flatMap((name): ReadonlyArray<TopicSpec> => {
    const base = { partitions: options.partitions, replicationFactor: options.replicationFactor }
    return [
      withRetention({ ...base, name: rename(name) }, options.retentionMs),
      withRetention({ ...base, name: rename(dlqTopic(name)) }, options.dlqRetentionMs)
    ]
  })
