// Test data builders shared by the checkout tests: cart lines and payloads shaped as the other contexts
// publish them, and a projection built from events (never by hand, so the tests go through applyEvent).
import type { CartSnapshotLine } from "@kasa/shared"
import { applyEvents, type CheckoutProjection, emptyProjection, type ProjectedEvent } from "@kasa/checkout"

export const SESSION = "sess_checkoutTest0000000"

export const line = (item_id: string, type: CartSnapshotLine["type"], unit_price: number, quantity = 1, parent_item_id: string | null = null): CartSnapshotLine => ({
  item_id,
  offer_id: `offer_${item_id}`,
  type,
  name: item_id,
  category: type === "service" ? "service" : "appliance",
  quantity,
  unit_price,
  parent_item_id
})

export const washer = line("washer", "offer", 200_000)
export const cable = line("cable", "accessory", 2_000, 3)
export const carryIn = line("carry", "service", 4_900, 1, "washer")
export const giftWrap = line("wrap", "service", 1_500)

const s = { session_id: SESSION }
export const cart = (cart_version: number, lines: ReadonlyArray<CartSnapshotLine>): ProjectedEvent => ({
  name: lines.length === 0 ? "cart.cleared" : "cart.item_added",
  payload: { ...s, cart_version, lines, currency: "PLN" }
})
export const method = (method_id: string, price_amount: number): ProjectedEvent => ({
  name: "shipping.method_selected",
  payload: { ...s, method_id, method_name: method_id, price_amount }
})
export const ADDRESS = { street: "Marszałkowska 1", city: "Warszawa", postal_code: "00-950", country: "PL" }
export const address: ProjectedEvent = { name: "shipping.address_provided", payload: { ...s, ...ADDRESS } }
export const date = (delivery_date: string, express_fee_amount = 0): ProjectedEvent => ({
  name: "shipping.delivery_date_selected",
  payload: { ...s, delivery_date, is_express: express_fee_amount > 0, express_fee_amount }
})
export const SUNDAY = { addon_id: "sunday_delivery", name: "Sunday delivery", price_amount: 2_999 }
export const addons = (...list: ReadonlyArray<typeof SUNDAY>): ProjectedEvent => ({
  name: "shipping.addons_selected",
  payload: { ...s, addons: list, addons_total: list.reduce((sum, a) => sum + a.price_amount, 0) }
})
export const promotion = (promotion_id: string, discount_amount: number): ProjectedEvent => ({ name: "promotion.applied", payload: { ...s, promotion_id, discount_amount } })
export const code = (c: string, discount_amount: number): ProjectedEvent => ({ name: "promotion.code_applied", payload: { ...s, code: c, discount_amount } })
export const payWith = (method_id: string): ProjectedEvent => ({ name: "payment.method_selected", payload: { ...s, method_id } })
export const orderCreated = (order_id: string, cart_version = 1): ProjectedEvent => ({ name: "checkout.order_created", payload: { ...s, order_id, cart_version } })

export const projectionOf = (events: ReadonlyArray<ProjectedEvent>): CheckoutProjection => applyEvents(emptyProjection(SESSION), events)

/** A checkout with everything finalize needs except the shopper's data and consents. */
export const readyEvents: ReadonlyArray<ProjectedEvent> = [cart(1, [washer, carryIn]), method("courier", 1_999), address, date("2026-12-03"), payWith("blik")]
