// Finalize's pure decisions, table-driven: each missing item of SPEC §4.7 on its own and together, the
// delivery date required only for the methods a day is booked for, a checkout whose order is under way,
// the expected_total check (the 409 carries the new totals), and the order_created payload built.
import { describe, expect, test } from "bun:test"
import { Result, Schema } from "effect"
import {
  checkTotal,
  CheckoutOrderCreated,
  computeTotals,
  type Consents,
  type CustomerData,
  type FinalizeError,
  type MissingItem,
  orderDraft,
  type ProjectedEvent,
  type ReadyToFinalize,
  validateForFinalize
} from "@kasa/checkout"
import { ADDRESS, address, addons, carryIn, cart, date, giftWrap, method, orderCreated, payWith, projectionOf, readyEvents, SESSION, SUNDAY, washer } from "./fixtures.ts"

const customer: CustomerData = { email: "jan.kowalski@example.pl", first_name: "Jan", last_name: "Kowalski" }
const consents: Consents = { terms_accepted: true, privacy_accepted: true, marketing_opt_in: false }

const failure = (result: Result.Result<ReadyToFinalize, FinalizeError>): FinalizeError => {
  if (Result.isSuccess(result)) throw new Error("expected a failure")
  return result.failure
}
const missingOf = (events: ReadonlyArray<ProjectedEvent>, c: CustomerData | undefined, k: Consents | undefined): ReadonlyArray<MissingItem> => {
  const error = failure(validateForFinalize(projectionOf(events), c, k))
  if (error._tag !== "MissingForFinalize") throw new Error(`expected MissingForFinalize, got ${error._tag}`)
  return error.missing
}
const without = (name: ProjectedEvent["name"]) => readyEvents.filter((e) => e.name !== name)

describe("validateForFinalize: what is missing", () => {
  test.each<[string, ReadonlyArray<ProjectedEvent>, CustomerData | undefined, Consents | undefined, ReadonlyArray<MissingItem>]>([
    ["an empty cart", [...readyEvents, cart(2, [])], customer, consents, ["cart"]],
    ["services alone are no order", [...readyEvents, cart(2, [giftWrap])], customer, consents, ["cart"]],
    ["no shipping method (so no date asked for)", without("shipping.method_selected").filter((e) => e.name !== "shipping.delivery_date_selected"), customer, consents, ["shipping_method"]],
    ["no address", without("shipping.address_provided"), customer, consents, ["address"]],
    ["no date for the courier", without("shipping.delivery_date_selected"), customer, consents, ["delivery_date"]],
    ["no date for the pallet", [...without("shipping.delivery_date_selected"), method("pallet", 14_900)], customer, consents, ["delivery_date"]],
    ["another method drops the date picked for the first", [...readyEvents, method("pallet", 14_900)], customer, consents, ["delivery_date"]],
    ["no payment method", without("payment.method_selected"), customer, consents, ["payment_method"]],
    ["no customer data", readyEvents, undefined, consents, ["customer_data"]],
    ["no consents", readyEvents, customer, undefined, ["consents"]],
    ["terms not accepted", readyEvents, customer, { ...consents, terms_accepted: false }, ["consents"]],
    ["privacy not accepted", readyEvents, customer, { ...consents, privacy_accepted: false }, ["consents"]],
    ["nothing at all, in SPEC's order", [], undefined, undefined, ["cart", "shipping_method", "address", "payment_method", "customer_data", "consents"]]
  ])("%s", (_name, events, c, k, missing) => {
    expect(missingOf(events, c, k)).toEqual(missing)
  })

  test.each<[string, ReadonlyArray<ProjectedEvent>]>([
    ["a parcel locker needs no date", [...without("shipping.delivery_date_selected"), method("parcel_locker", 1_299)]],
    ["store pickup needs no date", [...without("shipping.delivery_date_selected"), method("store_pickup", 0)]],
    ["marketing is not required", readyEvents]
  ])("%s", (_name, events) => {
    expect(Result.isSuccess(validateForFinalize(projectionOf(events), customer, { ...consents, marketing_opt_in: false }))).toBe(true)
  })

  test("a policy may book a day for other methods", () => {
    const events = [...without("shipping.delivery_date_selected"), method("parcel_locker", 1_299)]
    const error = failure(validateForFinalize(projectionOf(events), customer, consents, { methodsNeedingDate: ["parcel_locker"] }))
    expect(error).toMatchObject({ _tag: "MissingForFinalize", missing: ["delivery_date"] })
  })
})

describe("validateForFinalize: the checkout's status", () => {
  const paying: ReadonlyArray<ProjectedEvent> = [...readyEvents, orderCreated("ord_1")]
  const s = { session_id: SESSION }
  test.each<[string, ReadonlyArray<ProjectedEvent>, boolean]>([
    ["open", readyEvents, true],
    ["finalized: an order is under way", paying, false],
    ["payment_failed: the shopper retries the payment, not the order", [...paying, { name: "payment.failed", payload: { ...s, order_id: "ord_1", transaction_id: "tx_1" } }], false],
    ["completed", [...paying, { name: "checkout.completed", payload: { ...s, order_id: "ord_1" } }], false],
    ["cancelled: a new order may be made", [...paying, { name: "checkout.payment_retry_expired", payload: { ...s, order_id: "ord_1" } }], true]
  ])("%s", (_name, events, allowed) => {
    const result = validateForFinalize(projectionOf(events), customer, consents)
    if (allowed) expect(Result.isSuccess(result)).toBe(true)
    else expect(failure(result)).toMatchObject({ _tag: "CheckoutNotOpen", order_id: "ord_1" })
  })
})

describe("checkTotal", () => {
  const totals = computeTotals(projectionOf(readyEvents))
  test.each<[string, number | undefined, boolean]>([
    ["no expected_total sent", undefined, true],
    ["the same grand total", totals.grand_total, true],
    ["a stale grand total", totals.grand_total - 1, false],
    ["the cart total instead of the grand total", totals.cart_total, false]
  ])("%s", (_name, expected, ok) => {
    const result = checkTotal(expected, totals)
    if (ok) expect(result).toEqual(Result.succeed(totals))
    else expect(Result.isFailure(result) && result.failure).toMatchObject({ _tag: "TotalChanged", expected_total: expected, totals })
  })
})

describe("orderDraft", () => {
  test("the checkout.order_created payload of a ready checkout", () => {
    const events = [...readyEvents, date("2026-12-06", 2_500), addons(SUNDAY)]
    const p = projectionOf(events)
    const ready = validateForFinalize(p, customer, consents)
    if (Result.isFailure(ready)) throw new Error("expected a ready checkout")
    const draft = orderDraft(p, ready.success, "ord_7")
    expect(draft).toEqual({
      session_id: SESSION,
      order_id: "ord_7",
      cart_version: 1,
      cart_total: 200_000,
      services_total: 4_900,
      shipping_total: 1_999 + 2_500 + 2_999,
      promotion_discount: 0,
      grand_total: 212_398,
      currency: "PLN",
      lines: [
        { ...washer, line_total: 200_000 },
        { ...carryIn, line_total: 4_900 }
      ],
      shipping: {
        method_id: "courier",
        method_name: "courier",
        price_amount: 1_999,
        address: ADDRESS,
        delivery_date: "2026-12-06",
        is_express: true,
        express_fee_amount: 2_500,
        addons: [SUNDAY],
        addons_total: 2_999
      },
      customer,
      payment_method_id: "blik"
    })
    expect(Schema.is(CheckoutOrderCreated)(draft)).toBe(true)
  })

  test("a method without a date books none", () => {
    const p = projectionOf([cart(1, [washer]), method("store_pickup", 0), address, payWith("card")])
    const ready = validateForFinalize(p, customer, consents)
    if (Result.isFailure(ready)) throw new Error("expected a ready checkout")
    expect(orderDraft(p, ready.success, "ord_8").shipping).toMatchObject({ method_id: "store_pickup", delivery_date: null, price_amount: 0 })
  })
})
