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

/**
 * Every topic and its DLQ, each name passed through `rename` (tests give each run its own suffix).
 */
export const topicSpecs = (
  options: { readonly partitions: number; readonly replicationFactor: number },
  names: ReadonlyArray<string> = allTopics,
  rename: (name: string) => string = (name) => name
): ReadonlyArray<TopicSpec> =>
  names.flatMap((name) => [name, dlqTopic(name)]).map((name) => ({
    name: rename(name),
    partitions: options.partitions,
    replicationFactor: options.replicationFactor
  }))
