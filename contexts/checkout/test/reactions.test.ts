// What a consumed event makes checkout publish, table-driven: totals_updated exactly when a figure of the
// totals changed, checkout.completed once when the waiting order's payment succeeded (not for another
// order, not twice, not after the order was cancelled), nothing for an event that changed nothing.
import { describe, expect, test } from "bun:test"
import { applyEvent, type CheckoutEvent, computeTotals, type ProjectedEvent, reactionsTo } from "@kasa/checkout"
import { address, cable, cart, orderCreated, payWith, projectionOf, promotion, SESSION, washer } from "./fixtures.ts"

const s = { session_id: SESSION }
const outcome = (name: "payment.succeeded" | "payment.failed", order_id = "ord_1"): ProjectedEvent => ({ name, payload: { ...s, order_id, transaction_id: "tx_1" } })
const initialized: ProjectedEvent = { name: "payment.initialized", payload: { ...s, order_id: "ord_1", transaction_id: "tx_1" } }
const offline: ProjectedEvent = { name: "payment.initialized", payload: { ...s, order_id: "ord_1", transaction_id: "tx_1", gateway: "offline" } }
const ordered: ReadonlyArray<ProjectedEvent> = [cart(1, [washer]), payWith("card"), orderCreated("ord_1", 1), initialized]
const completed: CheckoutEvent = { name: "checkout.completed", payload: { ...s, order_id: "ord_1", cart_version: 1 } }

const reactions = (before: ReadonlyArray<ProjectedEvent>, event: ProjectedEvent): ReadonlyArray<CheckoutEvent> => {
  const held = projectionOf(before)
  return reactionsTo(event.name, held, applyEvent(held, event.name, event.payload as never))
}

describe("reactionsTo", () => {
  test.each<[string, ReadonlyArray<ProjectedEvent>, ProjectedEvent, Array<CheckoutEvent["name"]>]>([
    ["a cart change moves the totals", [], cart(1, [washer]), ["checkout.totals_updated"]],
    ["a promotion moves the totals", [cart(1, [cable])], promotion("p", 1_000), ["checkout.totals_updated"]],
    ["an address moves no total", [cart(1, [washer])], address, []],
    ["a stale cart event changes nothing", [cart(2, [washer])], cart(1, [cable]), []],
    ["the order's payment succeeded", ordered, outcome("payment.succeeded"), ["checkout.completed"]],
    ["a success after a failed attempt", [...ordered, outcome("payment.failed")], outcome("payment.succeeded"), ["checkout.completed"]],
    ["a success for another order", ordered, outcome("payment.succeeded", "ord_old"), []],
    ["a replayed success", [...ordered, outcome("payment.succeeded")], outcome("payment.succeeded"), []],
    ["a success after the order was cancelled", [...ordered, outcome("payment.failed"), { name: "checkout.payment_retry_expired", payload: { ...s, order_id: "ord_1" } }], outcome("payment.succeeded"), []],
    ["a failure", ordered, outcome("payment.failed"), []],
    ["cash on delivery: its offline transaction completes the order", [cart(1, [washer]), payWith("cash_on_delivery"), orderCreated("ord_1", 1)], offline, ["checkout.completed"]],
    ["cash on delivery: the offline transaction again", [cart(1, [washer]), payWith("cash_on_delivery"), orderCreated("ord_1", 1), offline], offline, []],
    ["an online transaction does not complete it", [cart(1, [washer]), payWith("card"), orderCreated("ord_1", 1)], initialized, []]
  ])("%s", (_name, before, event, names) => {
    expect(reactions(before, event).map((e) => e.name)).toEqual(names)
  })

  test("totals_updated carries the new totals at the cart's version; completed the order's", () => {
    const held = projectionOf([cart(1, [washer]), payWith("card"), orderCreated("ord_1", 1), initialized, cart(2, [washer, cable])])
    const after = applyEvent(held, "payment.succeeded", { ...s, order_id: "ord_1", transaction_id: "tx_1" })
    expect(reactionsTo("payment.succeeded", held, after)).toEqual([completed])
    const grown = applyEvent(held, "cart.item_added", { ...s, cart_version: 3, lines: [washer, { ...cable, quantity: 4 }], currency: "PLN" })
    expect(reactionsTo("cart.item_added", held, grown)).toEqual([{ name: "checkout.totals_updated", payload: { ...s, cart_version: 3, ...computeTotals(grown) } }])
  })
})
