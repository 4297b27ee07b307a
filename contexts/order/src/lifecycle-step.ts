/**
 * What the order's lifecycle takes (one thing that happened, named by its kind) and the three ways it
 * answers (as payment's transaction machine does): `Changed` (the new order, version + 1, one history
 * entry, the events to publish), `Unchanged` (a replay of what the order already shows, or a stale
 * report it has moved past), or a typed rejection (errors.ts). The builders here are shared by
 * lifecycle.ts (payment, cancellation, refunds) and fulfilment.ts (the shop's steps).
 */
import { Result, Schema } from "effect"
import { IllegalTransition, type LifecycleError } from "./errors.ts"
import type { OrderPublished } from "./events.ts"
import type { HistoryEntry, Order } from "./order.ts"
import type { OrderStatus } from "./order-status.ts"

export const LifecycleEventKind = Schema.Literals([
  "payment_initialized",
  "payment_succeeded",
  "payment_failed",
  "payment_retry_expired",
  "cancel_requested",
  "compensation",
  "refunded",
  "confirmed",
  "preparing",
  "ready_for_pickup",
  "out_for_delivery",
  "delivered"
])
export type LifecycleEventKind = typeof LifecycleEventKind.Type

/** What happened, as the lifecycle takes it (LifecycleEventKind names each; lifecycle.ts says where each comes from). */
export type LifecycleEvent =
  | { readonly kind: "payment_initialized"; readonly transaction_id: string }
  | { readonly kind: "payment_succeeded"; readonly transaction_id: string }
  | { readonly kind: "payment_failed"; readonly transaction_id: string; readonly reason: string }
  | { readonly kind: "payment_retry_expired" }
  | { readonly kind: "cancel_requested"; readonly reason: string }
  | { readonly kind: "compensation"; readonly reason: string }
  | { readonly kind: "refunded"; readonly refund_id: string; readonly refund_amount: number; readonly fully_refunded: boolean }
  | { readonly kind: "confirmed" }
  | { readonly kind: "preparing" }
  | { readonly kind: "ready_for_pickup"; readonly carrier?: string | undefined }
  | { readonly kind: "out_for_delivery"; readonly tracking_number?: string | undefined }
  | { readonly kind: "delivered" }

export type Transition =
  | { readonly _tag: "Changed"; readonly order: Order; readonly events: ReadonlyArray<OrderPublished> }
  | { readonly _tag: "Unchanged"; readonly order: Order; readonly why: "replay" | "stale" }

export type Step = Result.Result<Transition, LifecycleError>

/** The order moved to `to` (possibly where it already was, for a fact that changes only its record). */
export const changed = (
  order: Order,
  to: OrderStatus,
  event: LifecycleEventKind,
  at: Date,
  patch: Partial<Order>,
  events: ReadonlyArray<OrderPublished>,
  reason?: string
): Step => {
  const entry: HistoryEntry = { from: order.status, to, event, at: at.toISOString(), ...(reason === undefined ? {} : { reason }) }
  return Result.succeed({ _tag: "Changed", order: { ...order, ...patch, status: to, version: order.version + 1, history: [...order.history, entry] }, events })
}

export const unchanged = (order: Order, why: "replay" | "stale"): Step => Result.succeed({ _tag: "Unchanged", order, why })

export const illegal = (order: Order, event: LifecycleEventKind): Step => Result.fail(new IllegalTransition({ order_id: order.order_id, from: order.status, event }))
