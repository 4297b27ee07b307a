/**
 * The payment methods of SPEC §9 and which of them a session may use, decided from payment's own
 * projection (projection.ts) alone. The online methods are always offered, each through the gateway
 * configuration maps it to: in embedded mode, and wherever a gateway's keys are not configured, that
 * is the `sandbox` gateway (`gatewaysFor`). Cash on delivery takes no gateway (`offline`) and is
 * offered only with a `courier` or `pallet` delivery and a grand total of at most 500000 (SPEC §9):
 * without a chosen delivery method it is not offered yet. `selectionStillFits` tells whether a method
 * the shopper already chose still fits, with the reason that goes into `payment.method_invalidated`.
 */
import { Result, Schema } from "effect"
import { PaymentMethodNotAvailable, PaymentMethodNotFound } from "./errors.ts"
import { grandTotal, type PaymentProjection } from "./projection.ts"

export const PaymentMethodId = Schema.Literals(["card", "blik", "p24", "payu", "cash_on_delivery"])
export type PaymentMethodId = typeof PaymentMethodId.Type

export const OnlineMethodId = Schema.Literals(["card", "blik", "p24", "payu"])
export type OnlineMethodId = typeof OnlineMethodId.Type

export const CASH_ON_DELIVERY = "cash_on_delivery"

/** The gateways (their ids name the webhook path `/payment/webhook/{gateway}`); `offline` is cash on delivery's. */
export const GatewayId = Schema.Literals(["stripe", "przelewy24", "payu", "sandbox", "offline"])
export type GatewayId = typeof GatewayId.Type

/** Which gateway takes each online method: configuration, not a rule. */
export type GatewayMap = Readonly<Record<OnlineMethodId, GatewayId>>

/** Embedded mode and tests: every online method through the sandbox. */
export const SANDBOX_GATEWAYS: GatewayMap = { card: "sandbox", blik: "sandbox", p24: "sandbox", payu: "sandbox" }

/** Where each online method goes when its gateway's keys are configured (BLIK through Przelewy24: a choice, change it here). */
export const PREFERRED_GATEWAYS: GatewayMap = { card: "stripe", blik: "przelewy24", p24: "przelewy24", payu: "payu" }

/** Each online method through its preferred gateway when that gateway is configured, else through the sandbox. */
export const gatewaysFor = (configured: ReadonlyArray<GatewayId>, preferred: GatewayMap = PREFERRED_GATEWAYS): GatewayMap => {
  const through = (method: OnlineMethodId): GatewayId => (configured.includes(preferred[method]) ? preferred[method] : "sandbox")
  return { card: through("card"), blik: through("blik"), p24: through("p24"), payu: through("payu") }
}

export const PAYMENT_METHODS: ReadonlyArray<{ readonly method_id: PaymentMethodId; readonly name: string }> = [
  { method_id: "card", name: "Card" },
  { method_id: "blik", name: "BLIK" },
  { method_id: "p24", name: "Przelewy24 transfer" },
  { method_id: "payu", name: "PayU pay-by-link" },
  { method_id: "cash_on_delivery", name: "Cash on delivery" }
]

/** Delivery methods cash on delivery goes with (not parcel lockers, not store pickup). */
export const COD_SHIPPING_METHODS: ReadonlyArray<string> = ["courier", "pallet"]
/** The largest grand total (minor units) cash on delivery takes. */
export const COD_MAX_GRAND_TOTAL = 500_000

/** Why a method does not fit the session (the `reason` of `payment.method_invalidated` and of PaymentMethodNotAvailable). */
export const UnfitReason = Schema.Literals(["unknown_method", "no_shipping_method", "shipping_method_not_allowed", "grand_total_over_limit"])
export type UnfitReason = typeof UnfitReason.Type

export type Fit = { readonly fits: true } | { readonly fits: false; readonly reason: UnfitReason }

export interface AvailableMethod {
  readonly method_id: PaymentMethodId
  readonly name: string
  readonly gateway: GatewayId
}

const isPaymentMethodId = (id: string): id is PaymentMethodId => PAYMENT_METHODS.some((m) => m.method_id === id)

/** Whether `method_id` fits the session as it is now. */
export const selectionStillFits = (projection: PaymentProjection, method_id: string): Fit => {
  if (!isPaymentMethodId(method_id)) return { fits: false, reason: "unknown_method" }
  if (method_id !== CASH_ON_DELIVERY) return { fits: true }
  const shipping = projection.shipping_method
  if (shipping === null) return { fits: false, reason: "no_shipping_method" }
  if (!COD_SHIPPING_METHODS.includes(shipping.method_id)) return { fits: false, reason: "shipping_method_not_allowed" }
  if (grandTotal(projection) > COD_MAX_GRAND_TOTAL) return { fits: false, reason: "grand_total_over_limit" }
  return { fits: true }
}

const gatewayOf = (method_id: PaymentMethodId, gateways: GatewayMap): GatewayId => (method_id === CASH_ON_DELIVERY ? "offline" : gateways[method_id])

/** The methods this session may pay with now, in SPEC §9's order, each with the gateway that takes it. */
export const availableMethods = (projection: PaymentProjection, gateways: GatewayMap = SANDBOX_GATEWAYS): ReadonlyArray<AvailableMethod> =>
  PAYMENT_METHODS.filter((m) => selectionStillFits(projection, m.method_id).fits).map((m) => ({ ...m, gateway: gatewayOf(m.method_id, gateways) }))

/** The method the shopper asks for (POST /payment/select): unknown, not allowed now (with why), or available. */
export const chooseMethod = (
  projection: PaymentProjection,
  method_id: string,
  gateways: GatewayMap = SANDBOX_GATEWAYS
): Result.Result<AvailableMethod, PaymentMethodNotFound | PaymentMethodNotAvailable> => {
  const method = PAYMENT_METHODS.find((m) => m.method_id === method_id)
  if (method === undefined) return Result.fail(new PaymentMethodNotFound({ method_id }))
  const fit = selectionStillFits(projection, method_id)
  if (!fit.fits) return Result.fail(new PaymentMethodNotAvailable({ method_id, reason: fit.reason }))
  return Result.succeed({ ...method, gateway: gatewayOf(method.method_id, gateways) })
}
