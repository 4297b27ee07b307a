/**
 * The events the order context publishes (SPEC §3.2, §3.4): `order-events` (the order's lifecycle)
 * and `delivery-events` (what its fulfilment tells of the parcel), both keyed by `order_id`. Their
 * names, payload Schemas, the events as plain data (what the pure domain returns), and the functions
 * that turn them into envelopes (the kernel's `envelopeIn`) and outbox entries on the right topic.
 * Every order event carries order_id, session_id, status and previous_status (null only for
 * `order.created`) and the fields of its step; `order.created` carries the whole order so a
 * consumer never asks the order service for it. Delivery events carry SPEC's fields only.
 */
import { Schema } from "effect"
import { envelopesFrom, type NamedEvent, outboxEventsOn, Topics } from "@kasa/shared"
import { CurrencyCode } from "@kasa/shared/money"
import { Customer, OrderLine, OrderShipping, OrderTotal } from "./order-details.ts"
import { OrderStatus } from "./order-status.ts"

export const ORDER_PRODUCER = "order"

export const OrderEventName = {
  created: "order.created",
  paymentFailed: "order.payment_failed",
  confirmed: "order.confirmed",
  preparing: "order.preparing",
  readyForPickup: "order.ready_for_pickup",
  outForDelivery: "order.out_for_delivery",
  delivered: "order.delivered",
  cancellationRequested: "order.cancellation_requested",
  cancelled: "order.cancelled",
  refunded: "order.refunded"
} as const
export type OrderEventName = (typeof OrderEventName)[keyof typeof OrderEventName]

export const DeliveryEventName = {
  assigned: "delivery.assigned",
  pickedUp: "delivery.picked_up",
  inTransit: "delivery.in_transit",
  delivered: "delivery.delivered",
  cancelled: "delivery.cancelled"
} as const
export type DeliveryEventName = (typeof DeliveryEventName)[keyof typeof DeliveryEventName]

const Amount = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const Id = Schema.String.check(Schema.isNonEmpty())
const step = { order_id: Id, session_id: Id, status: OrderStatus, previous_status: OrderStatus }
/** The stock reservation the order holds, so catalog can release or restock it (null when there is none). */
const reservation = { reservation_id: Schema.NullOr(Schema.String) }

export const OrderCreated = Schema.Struct({
  ...step,
  previous_status: Schema.Null,
  ...OrderTotal,
  payment_method_id: Id,
  lines: Schema.Array(OrderLine),
  shipping: OrderShipping,
  customer: Customer,
  ...reservation
})
export type OrderCreated = typeof OrderCreated.Type

export const OrderPaymentFailed = Schema.Struct({ ...step, transaction_id: Id, reason: Schema.String })
export type OrderPaymentFailed = typeof OrderPaymentFailed.Type

/** `transaction_id` is the payment that confirmed it; null for cash on delivery (confirmed by the shop). */
export const OrderConfirmed = Schema.Struct({ ...step, ...OrderTotal, transaction_id: Schema.NullOr(Id) })
export type OrderConfirmed = typeof OrderConfirmed.Type

/** A fulfilment step that needs no more than the step itself (preparing, ready for pickup, delivered). */
export const OrderStepped = Schema.Struct(step)
export type OrderStepped = typeof OrderStepped.Type

export const OrderOutForDelivery = Schema.Struct({ ...step, carrier: Id, tracking_number: Schema.optionalKey(Schema.String) })
export type OrderOutForDelivery = typeof OrderOutForDelivery.Type

/** A paid order being cancelled: payment refunds `refund_amount` of `transaction_id` on hearing it. */
export const OrderCancellationRequested = Schema.Struct({ ...step, reason: Schema.String, transaction_id: Id, refund_amount: Amount, currency: CurrencyCode, ...reservation })
export type OrderCancellationRequested = typeof OrderCancellationRequested.Type

export const OrderCancelled = Schema.Struct({ ...step, reason: Schema.String, ...reservation })
export type OrderCancelled = typeof OrderCancelled.Type

/** The order's money is back with the shopper: this refund and the total refunded so far. */
export const OrderRefunded = Schema.Struct({ ...step, transaction_id: Id, refund_id: Id, refund_amount: Amount, refunded_amount: Amount, currency: CurrencyCode })
export type OrderRefunded = typeof OrderRefunded.Type

/** Every delivery event's payload (SPEC §3.4): the order, its carrier, and the tracking number once known. */
export const DeliveryUpdate = Schema.Struct({ order_id: Id, carrier: Id, tracking_number: Schema.optionalKey(Schema.String) })
export type DeliveryUpdate = typeof DeliveryUpdate.Type

/** Each order event name with the Schema of its payload. */
export const OrderEventPayloads = {
  [OrderEventName.created]: OrderCreated,
  [OrderEventName.paymentFailed]: OrderPaymentFailed,
  [OrderEventName.confirmed]: OrderConfirmed,
  [OrderEventName.preparing]: OrderStepped,
  [OrderEventName.readyForPickup]: OrderStepped,
  [OrderEventName.outForDelivery]: OrderOutForDelivery,
  [OrderEventName.delivered]: OrderStepped,
  [OrderEventName.cancellationRequested]: OrderCancellationRequested,
  [OrderEventName.cancelled]: OrderCancelled,
  [OrderEventName.refunded]: OrderRefunded
} as const

/** Each delivery event name with the Schema of its payload. */
export const DeliveryEventPayloads = {
  [DeliveryEventName.assigned]: DeliveryUpdate,
  [DeliveryEventName.pickedUp]: DeliveryUpdate,
  [DeliveryEventName.inTransit]: DeliveryUpdate,
  [DeliveryEventName.delivered]: DeliveryUpdate,
  [DeliveryEventName.cancelled]: DeliveryUpdate
} as const

type OrderPayloads = typeof OrderEventPayloads
type DeliveryPayloads = typeof DeliveryEventPayloads

/** One order event as data: its name and its payload. */
export type OrderEvent = NamedEvent<OrderPayloads>
/** One delivery event as data. */
export type DeliveryEvent = NamedEvent<DeliveryPayloads>
/** What the order's domain returns to publish: order events and delivery events, in the order they happened. */
export type OrderPublished = OrderEvent | DeliveryEvent

export type { EventContext } from "@kasa/shared"

/** The Schema of a published event's payload, whichever of the two topics it goes to. */
export const payloadSchemaOf = (name: OrderPublished["name"]): Schema.Codec<unknown> =>
  ((OrderEventPayloads as Record<string, unknown>)[name] ?? (DeliveryEventPayloads as Record<string, unknown>)[name]) as Schema.Codec<unknown>

const isDeliveryEvent = (name: string): boolean => name.startsWith("delivery.")

/** One envelope per event, in order; aggregate (and key) = the payload's order. */
export const orderEnvelopes = envelopesFrom<OrderPublished>(ORDER_PRODUCER, (payload) => payload.order_id)

/** Envelopes as outbox entries keyed by their order: order events on order-events, delivery events on delivery-events. */
export const toOutboxEvents = outboxEventsOn((e) => (isDeliveryEvent(e.event_name) ? Topics.delivery : Topics.order))
