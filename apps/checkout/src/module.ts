/**
 * Checkout as a module any process can mount (its own app, or the one-process shop): its session
 * working state over the process's key-value StateStore, stock reserved through catalog's
 * StockReservations on the same store (order-stock.ts), the applied code re-checked by promotion's own
 * check (applied-code-check.ts; PROMOTION_RULES_FILE as the promotion app reads it), the payment retry
 * deadlines by mode, the in-process summary notifier, the HTTP routes with their OpenAPI paths, the
 * `checkout-consumer`, and the retry-window sweep. PAYMENT_RETRY_WINDOW_SECONDS (default 900) sets
 * the window; a value that is not a positive whole number stops the start naming it.
 */
import { Layer } from "effect"
import { CheckoutSettings, DEFAULT_FINALIZE_POLICY, DEFAULT_PAYMENT_RETRY_WINDOW_SECONDS, makeSummaryNotifier, SummaryNotifier } from "@kasa/checkout"
import { integer, loadConfig, withDefault } from "@kasa/shared/config"
import type { AppModule } from "@kasa/app-platform"
import { layerAppliedCodeCheck, rulesFileFrom } from "./applied-code-check.ts"
import { checkoutConsumerSpec } from "./notifying-consumer.ts"
import { checkoutOpenApiPaths } from "./openapi.ts"
import { layerOrderStock } from "./order-stock.ts"
import { layerPaymentRetryDeadlines } from "./retry-deadlines.ts"
import { type CheckoutBackground, layerCheckoutBackground, startRetrySweeper } from "./retry-sweeper.ts"
import { checkoutRoutes } from "./routes.ts"
import type { CheckoutServices } from "./services.ts"

export const PAYMENT_RETRY_WINDOW_SECONDS = "PAYMENT_RETRY_WINDOW_SECONDS"

export interface CheckoutModuleOptions {
  /** Where PAYMENT_RETRY_WINDOW_SECONDS and PROMOTION_RULES_FILE are read from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** How often the retry-window sweep runs; default 1 s. */
  readonly sweepIntervalMs?: number
}

/** The window from `env`, or a ConfigError naming the variable (never the value: config.ts). */
export const retryWindowFrom = (env: Readonly<Record<string, string | undefined>>): number => {
  const loaded = loadConfig({ seconds: withDefault(integer(PAYMENT_RETRY_WINDOW_SECONDS, 1, 9_999_999), DEFAULT_PAYMENT_RETRY_WINDOW_SECONDS) }, env)
  if (!loaded.ok) throw loaded.error
  return loaded.config.seconds
}

export const checkoutModule = (options: CheckoutModuleOptions = {}): AppModule<CheckoutServices | CheckoutBackground> => {
  const env = options.env ?? process.env
  const settings = Layer.succeed(CheckoutSettings, { paymentRetryWindowSeconds: retryWindowFrom(env), finalizePolicy: DEFAULT_FINALIZE_POLICY })
  return {
    name: "checkout",
    layer: Layer.mergeAll(
      layerOrderStock,
      layerAppliedCodeCheck(rulesFileFrom(env)),
      layerPaymentRetryDeadlines,
      Layer.succeed(SummaryNotifier, makeSummaryNotifier()),
      layerCheckoutBackground,
      settings
    ),
    routes: checkoutRoutes,
    openApiPaths: checkoutOpenApiPaths,
    consumers: [checkoutConsumerSpec()],
    onStart: startRetrySweeper(options.sweepIntervalMs ?? 1_000)
  }
}
