// What checkout's app tests share: the other contexts' events for a session, shaped as those contexts
// publish them (cart snapshot, shipping, payment), and the bodies a shopper sends.
import { makeEnvelope, type Envelope, Topics } from "@kasa/shared"

export const FRIDGE = { offer_id: "fridge-samsung-rb38", name: "Lodówka Samsung", category: "appliance", unit_price: 329_900 }

/** One event of another context for `sessionId`, with its topic. */
export interface Published {
  readonly topic: string
  readonly envelope: Envelope
}

const event = (topic: string, sessionId: string, eventName: string, payload: Record<string, unknown>, correlationId = "corr_checkout_test"): Published => ({
  topic,
  envelope: makeEnvelope({ eventName, aggregateId: sessionId, correlationId, producer: "test", payload: { session_id: sessionId, ...payload } })
})

/** The cart at `version` holding `quantity` fridges. */
export const cartWithFridges = (sessionId: string, version: number, quantity: number) =>
  event(Topics.cart, sessionId, "cart.item_added", {
    cart_version: version,
    currency: "PLN",
    lines: [{ item_id: "item_1", offer_id: FRIDGE.offer_id, type: "offer", name: FRIDGE.name, category: FRIDGE.category, quantity, unit_price: FRIDGE.unit_price, parent_item_id: null }],
    item_id: "item_1",
    offer_id: FRIDGE.offer_id,
    quantity,
    price: FRIDGE.unit_price,
    cart_total: FRIDGE.unit_price * quantity
  })

export const palletChosen = (sessionId: string) => event(Topics.shipping, sessionId, "shipping.method_selected", { method_id: "pallet", method_name: "Pallet", price_amount: 9_900, price_currency: "PLN" })
export const addressGiven = (sessionId: string) =>
  event(Topics.shipping, sessionId, "shipping.address_provided", { street: "Marszałkowska 1", city: "Warszawa", postal_code: "00-950", country: "PL" })
export const dateChosen = (sessionId: string) => event(Topics.shipping, sessionId, "shipping.delivery_date_selected", { delivery_date: "2026-12-07", is_express: false, express_fee_amount: 0 })
export const blikChosen = (sessionId: string) => event(Topics.payment, sessionId, "payment.method_selected", { method_id: "blik", method_name: "BLIK" })

/** Everything finalize needs from the other contexts, for `quantity` fridges (grand total: fridges + 9,900 pallet). */
export const readyEvents = (sessionId: string, quantity = 1): ReadonlyArray<Published> => [
  cartWithFridges(sessionId, 1, quantity),
  palletChosen(sessionId),
  addressGiven(sessionId),
  dateChosen(sessionId),
  blikChosen(sessionId)
]

export const grandTotalOf = (quantity: number) => FRIDGE.unit_price * quantity + 9_900

export const CUSTOMER = { email: "anna@example.com", first_name: "Anna", last_name: "Nowak", phone: "+48 600 100 200" }
export const CONSENTS = { terms_accepted: true, privacy_accepted: true }

export const paymentEvent = (sessionId: string, eventName: string, payload: Record<string, unknown>) => event(Topics.payment, sessionId, eventName, payload)
