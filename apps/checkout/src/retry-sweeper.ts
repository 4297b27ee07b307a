/**
 * The payment retry window's sweep as a background fiber of the app (like catalog's expiry sweeper):
 * `expirePaymentRetries` on an Effect Schedule (every `intervalMs`) in a scope that lives as long as
 * the app's runtime. Every replica runs one; the sweep's atomic write decides who publishes. A store
 * that does not answer is logged and tried again next round.
 */
import { Context, Duration, Effect, Layer, Schedule, type Scope } from "effect"
import { expirePaymentRetries } from "@kasa/checkout"

export class CheckoutBackground extends Context.Service<CheckoutBackground, { readonly scope: Scope.Scope }>()("@kasa/app-checkout/CheckoutBackground") {}

export const layerCheckoutBackground = Layer.effect(CheckoutBackground, Effect.map(Effect.scope, (scope) => CheckoutBackground.of({ scope })))

export const retrySweeper = (intervalMs: number) =>
  expirePaymentRetries().pipe(
    Effect.tap((expired) => (expired.length === 0 ? Effect.void : Effect.logInfo(`payment retry window over for ${expired.length} order(s)`, { orders: expired }))),
    Effect.catch((error) => Effect.logWarning(`payment retry sweep failed: ${error.message}`)),
    Effect.repeat(Schedule.spaced(Duration.millis(intervalMs)))
  )

/** Starts the sweep in the app's background scope. */
export const startRetrySweeper = (intervalMs: number) => Effect.flatMap(CheckoutBackground, ({ scope }) => Effect.forkIn(retrySweeper(intervalMs), scope)).pipe(Effect.asVoid)
