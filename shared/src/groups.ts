/**
 * The consumer groups of SPEC §3.3 and what each subscribes to: the ops CLI's `lag` uses this to
 * know a group's topics, and each app uses it so the table and the code cannot drift apart.
 */
import { allTopics, Topics } from "./topics.ts"

const sessionTopics = [Topics.cart, Topics.shipping, Topics.payment, Topics.promotion, Topics.services, Topics.inventory]

export const ConsumerGroups: Readonly<Record<string, ReadonlyArray<string>>> = {
  "checkout-consumer": sessionTopics,
  "shipping-consumer": [Topics.cart],
  "promotion-consumer": [Topics.cart, Topics.checkout],
  "services-consumer": [Topics.cart],
  "payment-consumer": [Topics.cart, Topics.shipping, Topics.promotion],
  "payment-orders-consumer": [Topics.checkout, Topics.order],
  "checkout-session-consumer": [Topics.checkoutRequests],
  "cart-consumer": [Topics.checkout],
  // Not payment-events: the order decides what a payment means (contexts/catalog/src/consumers.ts).
  "catalog-consumer": [Topics.checkout, Topics.order],
  // Inventory too: the saga needs to hear of an expired reservation (contexts/order/src/consumers.ts).
  "order-consumer": [Topics.checkout, Topics.payment, Topics.inventory],
  "notification-consumer": [Topics.checkout, Topics.payment, Topics.order, Topics.delivery],
  "analytics-consumer": allTopics,
  "wallet-consumer": [Topics.checkoutFinished]
}
