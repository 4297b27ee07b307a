/**
 * What the order tests publish as checkout would: a `checkout.order_created` payload in checkout's
 * shape (its cart version, line totals and totals' breakdown included, which order ignores).
 */
import { cardOrder } from "@kasa/order/testing/orders"

export const orderCreatedPayload = (sessionId: string, orderId: string, options: { readonly grandTotal?: number; readonly method?: string } = {}) => ({
  session_id: sessionId,
  order_id: orderId,
  cart_version: 3,
  cart_total: 8_000,
  promotion_discount: 0,
  shipping_total: 1_999,
  services_total: 0,
  grand_total: options.grandTotal ?? 9_999,
  currency: "PLN",
  lines: cardOrder.lines.map((line) => ({ ...line, parent_item_id: line.parent_item_id ?? null, line_total: line.unit_price * line.quantity })),
  shipping: { ...cardOrder.shipping, addons_total: 0 },
  customer: { email: "jan@example.com", first_name: "Jan", last_name: "Kowalski", phone: "+48 600 700 800" },
  payment_method_id: options.method ?? "card"
})
