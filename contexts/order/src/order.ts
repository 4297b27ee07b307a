/**
 * An order (SPEC §4.8): what was ordered (lines, shipping, customer, total), where it stands in its
 * lifecycle, its payment as order knows it (the transaction, its state, what was refunded and by
 * which refunds), the stock reservation it holds, why it was cancelled, its carrier once assigned, a
 * version, and its history (from, to, event, at, reason?), which `GET /orders/{id}/history` reads. A
 * Schema, so the record store keeps and reads it back whole. `createOrder` starts one in
 * PAYMENT_PENDING, or in PENDING for cash on delivery (nothing to pay before it ships); lifecycle.ts
 * moves it.
 */
import { Schema } from "effect"
import { OrderEventName, type OrderPublished } from "./events.ts"
import { Customer, type Invoice, OrderLine, OrderShipping, OrderTotal } from "./order-details.ts"
import { OrderStatus } from "./order-status.ts"

/** The payment method that takes no money before delivery. */
export const CASH_ON_DELIVERY = "cash_on_delivery"

const Amount = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const Id = Schema.String.check(Schema.isNonEmpty())

/** The order's payment transaction's state as order last heard it (payment's own names, SPEC §4.4). */
export const OrderPaymentStatus = Schema.Literals(["initialized", "failed", "succeeded", "partially_refunded", "refunded"])
export type OrderPaymentStatus = typeof OrderPaymentStatus.Type

/** A refund payment reported, kept so a redelivered `payment.refunded` is recognised. */
export const OrderRefund = Schema.Struct({ refund_id: Id, refund_amount: Amount })
export type OrderRefund = typeof OrderRefund.Type

export const OrderPayment = Schema.Struct({
  method_id: Id,
  /** The latest transaction payment started for this order (a retry is a new one); null until one is. */
  transaction_id: Schema.NullOr(Id),
  status: Schema.NullOr(OrderPaymentStatus),
  refunded_amount: Amount,
  refunds: Schema.Array(OrderRefund)
})
export type OrderPayment = typeof OrderPayment.Type

/** The carrier that took the parcel (null until one is assigned, and for store pickup). */
export const OrderDelivery = Schema.Struct({ carrier: Id, tracking_number: Schema.NullOr(Schema.String) })
export type OrderDelivery = typeof OrderDelivery.Type

export const HistoryEntry = Schema.Struct({
  /** null for the entry that created the order. */
  from: Schema.NullOr(OrderStatus),
  to: OrderStatus,
  event: Schema.String,
  /** ISO 8601 instant. */
  at: Schema.String,
  /** Why, where the step has a reason (a cancellation, a failed payment, a compensation). */
  reason: Schema.optionalKey(Schema.String)
})
export type HistoryEntry = typeof HistoryEntry.Type

export const Order = Schema.Struct({
  order_id: Id,
  session_id: Id,
  status: OrderStatus,
  ...OrderTotal,
  lines: Schema.Array(OrderLine),
  shipping: OrderShipping,
  customer: Customer,
  payment: OrderPayment,
  reservation_id: Schema.NullOr(Id),
  cancel_reason: Schema.NullOr(Schema.String),
  delivery: Schema.NullOr(OrderDelivery),
  version: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  /** ISO 8601 instant. */
  created_at: Schema.String,
  history: Schema.Array(HistoryEntry)
})
export type Order = typeof Order.Type

/** What checkout hands over (`checkout.order_created`); line totals are computed here. */
export interface NewOrder {
  readonly order_id: string
  readonly session_id: string
  readonly grand_total: number
  readonly currency: string
  readonly lines: ReadonlyArray<Omit<OrderLine, "line_total" | "parent_item_id"> & { readonly parent_item_id?: string | null | undefined }>
  readonly shipping: OrderShipping
  readonly customer: {
    readonly email: string
    readonly first_name: string
    readonly last_name: string
    readonly phone?: string | null | undefined
    readonly invoice?: Invoice | null | undefined
  }
  readonly payment_method_id: string
  readonly reservation_id?: string | null | undefined
}

/** A new order (PAYMENT_PENDING, or PENDING for cash on delivery) and its `order.created`. */
export const createOrder = (input: NewOrder, at: Date): { readonly order: Order; readonly events: ReadonlyArray<OrderPublished> } => {
  const status: OrderStatus = input.payment_method_id === CASH_ON_DELIVERY ? "PENDING" : "PAYMENT_PENDING"
  const order: Order = {
    order_id: input.order_id,
    session_id: input.session_id,
    status,
    grand_total: input.grand_total,
    currency: input.currency,
    lines: input.lines.map((line) => ({ ...line, parent_item_id: line.parent_item_id ?? null, line_total: line.unit_price * line.quantity })),
    shipping: input.shipping,
    customer: { ...input.customer, phone: input.customer.phone ?? null, invoice: input.customer.invoice ?? null },
    payment: { method_id: input.payment_method_id, transaction_id: null, status: null, refunded_amount: 0, refunds: [] },
    reservation_id: input.reservation_id ?? null,
    cancel_reason: null,
    delivery: null,
    version: 1,
    created_at: at.toISOString(),
    history: [{ from: null, to: status, event: "created", at: at.toISOString() }]
  }
  const payload = {
    order_id: order.order_id,
    session_id: order.session_id,
    status,
    previous_status: null,
    grand_total: order.grand_total,
    currency: order.currency,
    payment_method_id: input.payment_method_id,
    lines: order.lines,
    shipping: order.shipping,
    customer: order.customer,
    reservation_id: order.reservation_id
  }
  return { order, events: [{ name: OrderEventName.created, payload }] }
}

/** Whether the order's money was taken (and so a cancellation must give it back). */
export const isPaid = (order: Order): boolean =>
  order.payment.status === "succeeded" || order.payment.status === "partially_refunded" || order.payment.status === "refunded"

/** What may still be refunded: the grand total minus what was refunded already. */
export const refundableAmount = (order: Order): number => order.grand_total - order.payment.refunded_amount

/** The ids and the step every order event carries. */
export const stepOf = (order: Order, to: OrderStatus) => ({ order_id: order.order_id, session_id: order.session_id, status: to, previous_status: order.status })
