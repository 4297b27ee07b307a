/**
 * Orders for tests (this package's and the lead's use-case tests): a card order and a cash-on-delivery
 * order as checkout would hand them over, and one order in each status as the lifecycle leaves it, so
 * a table can apply every event to every status without walking there first.
 */
import { createOrder, type NewOrder, type Order } from "../order.ts"
import type { OrderStatus } from "../order-status.ts"

export const CREATED_AT = new Date("2026-12-01T10:00:00.000Z")

export const cardOrder: NewOrder = {
  order_id: "ord_1",
  session_id: "sess_1",
  grand_total: 10_000,
  currency: "PLN",
  lines: [
    { item_id: "it_1", offer_id: "fridge-1", type: "offer", name: "Fridge", category: "appliance", quantity: 1, unit_price: 7_000 },
    { item_id: "it_2", offer_id: "cable-1", type: "accessory", name: "Cable", category: "accessory", quantity: 2, unit_price: 500, parent_item_id: "it_1" }
  ],
  shipping: {
    method_id: "courier",
    method_name: "Courier",
    price_amount: 1_999,
    address: { street: "Marszałkowska 1", city: "Warszawa", postal_code: "00-950", country: "PL" },
    delivery_date: "2026-12-03",
    is_express: false,
    express_fee_amount: 0,
    addons: []
  },
  customer: { email: "jan@example.com", first_name: "Jan", last_name: "Kowalski" },
  payment_method_id: "card",
  reservation_id: "res_1"
}

export const codOrder: NewOrder = { ...cardOrder, payment_method_id: "cash_on_delivery" }

const fresh = createOrder(cardOrder, CREATED_AT).order
const cod = createOrder(codOrder, CREATED_AT).order
const awaiting = { ...fresh.payment, transaction_id: "txn_1", status: "initialized" as const }
const paid = { ...fresh.payment, transaction_id: "txn_1", status: "succeeded" as const }
const assigned = { carrier: "courier", tracking_number: null }
const tracked = { carrier: "courier", tracking_number: "TRK1" }

/** An order in each status, paid where the status says it was (cash on delivery only in PENDING). */
export const orderIn: Readonly<Record<OrderStatus, Order>> = {
  PAYMENT_PENDING: { ...fresh, payment: awaiting },
  PENDING: cod,
  CONFIRMED: { ...fresh, status: "CONFIRMED", payment: paid },
  PREPARING: { ...fresh, status: "PREPARING", payment: paid },
  READY_FOR_PICKUP: { ...fresh, status: "READY_FOR_PICKUP", payment: paid, delivery: assigned },
  OUT_FOR_DELIVERY: { ...fresh, status: "OUT_FOR_DELIVERY", payment: paid, delivery: tracked },
  DELIVERED: { ...fresh, status: "DELIVERED", payment: paid, delivery: tracked },
  PAYMENT_FAILED: { ...fresh, status: "PAYMENT_FAILED", payment: { ...awaiting, status: "failed" } },
  CANCELLING: { ...fresh, status: "CANCELLING", payment: paid, cancel_reason: "changed_my_mind" },
  CANCELLED: { ...fresh, status: "CANCELLED", payment: awaiting, cancel_reason: "changed_my_mind" },
  REFUNDED: {
    ...fresh,
    status: "REFUNDED",
    payment: { ...paid, status: "refunded", refunded_amount: 10_000, refunds: [{ refund_id: "rf_1", refund_amount: 10_000 }] },
    cancel_reason: "changed_my_mind"
  }
}
