/**
 * What a client is told of orders (SPEC §4.8), as Schemas so the OpenAPI document is generated from
 * the same shapes the use cases answer with: one order (`GET /orders/{id}`, the answer of cancel and
 * status changes), a session's orders, and an order's history.
 */
import { Schema } from "effect"
import { Customer, OrderLine, OrderShipping, OrderTotal } from "./order-details.ts"
import { HistoryEntry, type Order, OrderDelivery, OrderPaymentStatus } from "./order.ts"
import { OrderStatus } from "./order-status.ts"

export const OrderView = Schema.Struct({
  order_id: Schema.String,
  session_id: Schema.String,
  status: OrderStatus,
  ...OrderTotal,
  lines: Schema.Array(OrderLine),
  shipping: OrderShipping,
  customer: Customer,
  payment: Schema.Struct({
    method_id: Schema.String,
    transaction_id: Schema.NullOr(Schema.String),
    status: Schema.NullOr(OrderPaymentStatus),
    refunded_amount: Schema.Int
  }),
  reservation_id: Schema.NullOr(Schema.String),
  cancel_reason: Schema.NullOr(Schema.String),
  delivery: Schema.NullOr(OrderDelivery),
  version: Schema.Int,
  created_at: Schema.String
})
export type OrderView = typeof OrderView.Type

export const OrdersView = Schema.Struct({ session_id: Schema.String, orders: Schema.Array(OrderView) })
export type OrdersView = typeof OrdersView.Type

export const OrderHistoryView = Schema.Struct({ order_id: Schema.String, status: OrderStatus, history: Schema.Array(HistoryEntry) })
export type OrderHistoryView = typeof OrderHistoryView.Type

export const orderView = (order: Order): OrderView => ({
  order_id: order.order_id,
  session_id: order.session_id,
  status: order.status,
  grand_total: order.grand_total,
  currency: order.currency,
  lines: order.lines,
  shipping: order.shipping,
  customer: order.customer,
  payment: { method_id: order.payment.method_id, transaction_id: order.payment.transaction_id, status: order.payment.status, refunded_amount: order.payment.refunded_amount },
  reservation_id: order.reservation_id,
  cancel_reason: order.cancel_reason,
  delivery: order.delivery,
  version: order.version,
  created_at: order.created_at
})
