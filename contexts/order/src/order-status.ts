/**
 * The order's states (SPEC §4.8, seed 004) as one literal union, and the fulfilment chain they move
 * along once an order is confirmed. Kept apart from the record so the events' payloads and the record
 * can both name a status without importing each other.
 */
import { Schema } from "effect"

export const OrderStatus = Schema.Literals([
  "PAYMENT_PENDING",
  "PENDING",
  "CONFIRMED",
  "PREPARING",
  "READY_FOR_PICKUP",
  "OUT_FOR_DELIVERY",
  "DELIVERED",
  "PAYMENT_FAILED",
  "CANCELLING",
  "CANCELLED",
  "REFUNDED"
])
export type OrderStatus = typeof OrderStatus.Type

/** The fulfilment chain, in order: each step moves an order one place along it (lifecycle.ts). */
export const FULFILMENT_CHAIN: ReadonlyArray<OrderStatus> = ["CONFIRMED", "PREPARING", "READY_FOR_PICKUP", "OUT_FOR_DELIVERY", "DELIVERED"]

/** An order's place in the fulfilment chain, or -1 when it is not on it (unpaid, failed, cancelled, refunded). */
export const fulfilmentRank = (status: OrderStatus): number => FULFILMENT_CHAIN.indexOf(status)
