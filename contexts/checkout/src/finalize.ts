/**
 * Finalize's pure decisions (SPEC §4.7 `POST /checkout/finalize`): is the checkout complete (else the
 * 422's `missing`), does the client's `expected_total` still hold (else the 409 with the new totals),
 * and the `checkout.order_created` payload of the order it creates. Stock reservation, prices against
 * the catalog and the order's id are the use case's, through its ports.
 * Decisions where SPEC is silent:
 * - `cart` is missing when the cart holds no goods: service lines alone are no order (shipping offers
 *   no method for them either).
 * - `delivery_date` is missing only when the chosen method is one the policy books a day for. Shipping
 *   publishes no such flag; its rules do tell: the door-to-door methods take express or a day-bound
 *   addon (`sunday_delivery`: courier, pallet), parcel lockers and store pickup take neither. The
 *   default policy says so; an app may build its own from shipping's rules file. Without a method the
 *   date is not listed (`shipping_method` is, and the date depends on it).
 * - the address is required for every method, as SPEC lists it (also for store pickup).
 * - a checkout whose order is under way or done (`finalized`, `payment_failed`, `completed`) refuses a
 *   second order (CheckoutNotOpen); after `cancelled` a new order may be made.
 */
import { Result } from "effect"
import { type Consents, type CustomerData, requiredConsentsGiven } from "./customer.ts"
import { CheckoutNotOpen, type FinalizeError, type MissingItem, MissingForFinalize, TotalChanged } from "./errors.ts"
import type { CheckoutOrderCreated, OrderShipping } from "./events.ts"
import { type CheckoutProjection, hasGoods } from "./projection.ts"
import { computeTotals, type Totals } from "./totals.ts"

export interface FinalizePolicy {
  /** The shipping methods delivered on a day the shopper books (`delivery_date` required). */
  readonly methodsNeedingDate: ReadonlyArray<string>
}

export const DEFAULT_FINALIZE_POLICY: FinalizePolicy = { methodsNeedingDate: ["courier", "pallet"] }

/** Everything an order needs, checked present: what `orderDraft` builds the order from. */
export interface ReadyToFinalize {
  readonly totals: Totals
  readonly shipping: OrderShipping
  readonly payment_method_id: string
  readonly customer: CustomerData
}

const OPEN_FOR_ORDERS: ReadonlyArray<CheckoutProjection["status"]> = ["open", "cancelled"]

export const validateForFinalize = (
  p: CheckoutProjection,
  customer: CustomerData | undefined,
  consents: Consents | undefined,
  policy: FinalizePolicy = DEFAULT_FINALIZE_POLICY
): Result.Result<ReadyToFinalize, FinalizeError> => {
  if (!OPEN_FOR_ORDERS.includes(p.status)) return Result.fail(new CheckoutNotOpen({ status: p.status, order_id: p.order_id }))
  const { method_id, method_name, address, delivery_date } = p.shipping
  const needsDate = method_id !== null && policy.methodsNeedingDate.includes(method_id)
  const checks: ReadonlyArray<readonly [MissingItem, boolean]> = [
    ["cart", hasGoods(p)],
    ["shipping_method", method_id !== null],
    ["address", address !== null],
    ["delivery_date", !needsDate || delivery_date !== null],
    ["payment_method", p.payment.method_id !== null],
    ["customer_data", customer !== undefined],
    ["consents", requiredConsentsGiven(consents)]
  ]
  const missing = checks.filter(([, given]) => !given).map(([item]) => item)
  if (missing.length > 0 || method_id === null || address === null || p.payment.method_id === null || customer === undefined) {
    return Result.fail(new MissingForFinalize({ missing }))
  }
  const { price_amount, is_express, express_fee_amount, addons, addons_total } = p.shipping
  return Result.succeed({
    totals: computeTotals(p),
    shipping: { method_id, method_name: method_name ?? method_id, price_amount, address, delivery_date, is_express, express_fee_amount, addons, addons_total },
    payment_method_id: p.payment.method_id,
    customer
  })
}

/** The totals, or TotalChanged when the client sent an `expected_total` that is not the grand total. */
export const checkTotal = (expected_total: number | undefined, totals: Totals): Result.Result<Totals, TotalChanged> =>
  expected_total === undefined || expected_total === totals.grand_total ? Result.succeed(totals) : Result.fail(new TotalChanged({ expected_total, totals }))

/** The `checkout.order_created` payload of the order `order_id` made from a checkout found ready. */
export const orderDraft = (p: CheckoutProjection, ready: ReadyToFinalize, order_id: string): CheckoutOrderCreated => ({
  session_id: p.session_id,
  order_id,
  cart_version: p.cart_version,
  ...ready.totals,
  lines: p.items,
  shipping: ready.shipping,
  customer: ready.customer,
  payment_method_id: ready.payment_method_id
})
