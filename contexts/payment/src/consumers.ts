/**
 * Payment's consumers, two groups because their state lives in two places (SPEC §4.4: working state
 * in Redis, records in PostgreSQL), and a consumer's state, events and processed markers are one
 * atomic write in one store:
 * - `payment-consumer` (SPEC §3.3): cart, shipping and promotion events keep the session's projection
 *   current (`payment:session:{session_id}`, in the key-value store every session context uses; the
 *   methods are decided from it; promotion-events too, since cash on delivery depends on the grand
 *   total after the discount). It sees every add-to-cart, so it must be as cheap as the other session
 *   consumers: it never touches the SQL database.
 * - `payment-orders-consumer`: `checkout.order_created` starts the order's payment;
 *   `order.cancellation_requested` (a paid order being cancelled, naming its transaction and the
 *   amount to give back) refunds it; `order.cancelled` (an unpaid order) cancels its transaction still
 *   waiting. It commits over the records' SQL store, so a transaction's records, its events and the
 *   marker are one SQL transaction.
 * The handlers only decide: the runtime commits the write with the processed marker.
 */
import { Effect, Schema } from "effect"
import { type ConsumedEvent, type ConsumerOptions, type EventHandler, eventRouter, route, type RoutedEvent, Topics } from "@kasa/shared"
import { countPaymentEvents, measuredHandling } from "./metrics.ts"
import { ProjectedEventPayloads, type ProjectedEventName, type ProjectedPayload } from "./projection.ts"
import { projectEvent } from "./session-use-cases.ts"
import { cancelOrderPayment, refundCancelledOrder, startOrderPayment } from "./transaction-use-cases.ts"

export const PAYMENT_CONSUMER_GROUP = "payment-consumer"
export const PAYMENT_CONSUMER_TOPICS: ReadonlyArray<string> = [Topics.cart, Topics.shipping, Topics.promotion]
export const PAYMENT_ORDERS_CONSUMER_GROUP = "payment-orders-consumer"
export const PAYMENT_ORDERS_CONSUMER_TOPICS: ReadonlyArray<string> = [Topics.checkout, Topics.order]

const Money = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const NonEmpty = Schema.String.check(Schema.isNonEmpty())

/** What payment reads of `checkout.order_created` (the order's other fields are the checkout's). */
export const OrderCreatedSeen = Schema.Struct({ session_id: NonEmpty, order_id: NonEmpty, grand_total: Money, currency: NonEmpty, payment_method_id: NonEmpty })
/** What payment reads of `order.cancelled`. */
export const OrderCancelledSeen = Schema.Struct({ order_id: NonEmpty })
/** What payment reads of `order.cancellation_requested`. */
export const CancellationRequestedSeen = Schema.Struct({ order_id: NonEmpty, transaction_id: NonEmpty, refund_amount: Money, reason: Schema.String })

const projectedRoute = <N extends ProjectedEventName>(name: N) =>
  route(ProjectedEventPayloads[name] as (typeof ProjectedEventPayloads)["shipping.method_selected"], (event: RoutedEvent<unknown>) =>
    projectEvent(name, event.payload as ProjectedPayload<N>, event.envelope)
  )

const sessionRoutes = () =>
  eventRouter(
    PAYMENT_CONSUMER_GROUP,
    Object.fromEntries((Object.keys(ProjectedEventPayloads) as Array<ProjectedEventName>).map((name) => [name, projectedRoute(name)]))
  )

const orderRoutes = () =>
  eventRouter(PAYMENT_ORDERS_CONSUMER_GROUP, {
    "checkout.order_created": route(OrderCreatedSeen, (event) => startOrderPayment(event.payload, event.envelope)),
    "order.cancellation_requested": route(CancellationRequestedSeen, (event) => refundCancelledOrder(event.payload, event.envelope)),
    "order.cancelled": route(OrderCancelledSeen, (event) => cancelOrderPayment(event.payload.order_id, event.envelope))
  })

/** A handler, measured (metrics.ts), reading the same events. */
const measured = <E, R>(handle: EventHandler<E, R>): EventHandler<E, R> =>
  Object.assign((event: ConsumedEvent) => measuredHandling(handle(event)), handle.handles === undefined ? {} : { handles: handle.handles })

/**
 * The events of a handler's write count as published once the runtime has committed it (a commit
 * that fails and is retried counts once; the kernel's `kasa_events_published_total`, counted by the
 * relay, is the bus's own figure).
 */
const options = <E, R>(group: string, topics: ReadonlyArray<string>, handler: EventHandler<E, R>): ConsumerOptions<E, R> => ({
  group,
  topics,
  handler: measured(handler),
  onCommitted: (write) => countPaymentEvents((write.events ?? []).map((e) => e.envelope.event_name))
})

/** `payment-consumer`: the sessions' projection, over the key-value StateStore. */
export const paymentConsumer = () => options(PAYMENT_CONSUMER_GROUP, PAYMENT_CONSUMER_TOPICS, sessionRoutes())

/** `payment-orders-consumer`: the orders' transactions, to run over the records' SQL store. */
export const paymentOrdersConsumer = () => options(PAYMENT_ORDERS_CONSUMER_GROUP, PAYMENT_ORDERS_CONSUMER_TOPICS, orderRoutes())
