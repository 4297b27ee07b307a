/**
 * Payment's consumer (SPEC §3.3: group `payment-consumer`): cart, shipping and promotion events keep
 * the session's projection current (the methods are decided from it; promotion-events too, since cash
 * on delivery depends on the grand total after the discount); `checkout.order_created` starts the
 * order's payment; `order.cancelled` refunds a paid order or cancels an unpaid one's transaction. The
 * handlers only decide: the runtime commits the write with the processed marker (over the records'
 * SQL store, so a transaction's records, its events and the marker are one transaction).
 */
import { Effect, Schema } from "effect"
import { type ConsumerOptions, eventRouter, route, type RoutedEvent, Topics } from "@kasa/shared"
import { countPaymentEvents, measuredHandling } from "./metrics.ts"
import { ProjectedEventPayloads, type ProjectedEventName, type ProjectedPayload } from "./projection.ts"
import { projectEvent } from "./session-use-cases.ts"
import { cancelOrderPayment, startOrderPayment } from "./transaction-use-cases.ts"

export const PAYMENT_CONSUMER_GROUP = "payment-consumer"
export const PAYMENT_CONSUMER_TOPICS: ReadonlyArray<string> = [Topics.cart, Topics.shipping, Topics.promotion, Topics.checkout, Topics.order]

const Money = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const NonEmpty = Schema.String.check(Schema.isNonEmpty())

/** What payment reads of `checkout.order_created` (the order's other fields are the checkout's). */
export const OrderCreatedSeen = Schema.Struct({ session_id: NonEmpty, order_id: NonEmpty, grand_total: Money, currency: NonEmpty, payment_method_id: NonEmpty })
/** What payment reads of `order.cancelled`. */
export const OrderCancelledSeen = Schema.Struct({ order_id: NonEmpty })

const projectedRoute = <N extends ProjectedEventName>(name: N) =>
  route(ProjectedEventPayloads[name] as (typeof ProjectedEventPayloads)["shipping.method_selected"], (event: RoutedEvent<unknown>) =>
    projectEvent(name, event.payload as ProjectedPayload<N>, event.envelope)
  )

const projected = Object.fromEntries((Object.keys(ProjectedEventPayloads) as Array<ProjectedEventName>).map((name) => [name, projectedRoute(name)]))

const routed = () =>
  eventRouter(PAYMENT_CONSUMER_GROUP, {
    ...projected,
    "checkout.order_created": route(OrderCreatedSeen, (event) => startOrderPayment(event.payload, event.envelope)),
    "order.cancelled": route(OrderCancelledSeen, (event) => cancelOrderPayment(event.payload.order_id, event.envelope))
  })

/**
 * The handler, measured (metrics.ts). The events of the write it returns count as published when it
 * returns it: the runtime commits right after, and a commit that fails is retried, so a failed commit
 * can count its events once more (the kernel's `kasa_events_published_total`, counted by the relay,
 * is exact).
 */
export const makePaymentHandler = () => {
  const handle = routed()
  return (event: Parameters<typeof handle>[0]) =>
    measuredHandling(
      Effect.tap(handle(event), (write) =>
        typeof write === "object" && write !== null && "events" in write ? countPaymentEvents((write.events ?? []).map((e) => e.envelope.event_name)) : Effect.void
      )
    )
}

type Handled = ReturnType<ReturnType<typeof makePaymentHandler>>

/** Options for the kernel's `runConsumer`: group, topics and handler. */
export const paymentConsumer = (): ConsumerOptions<Effect.Error<Handled>, Effect.Services<Handled>> => ({
  group: PAYMENT_CONSUMER_GROUP,
  topics: PAYMENT_CONSUMER_TOPICS,
  handler: makePaymentHandler()
})
