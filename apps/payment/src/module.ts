/**
 * Payment as a module any process can mount (its own app, or the one-process shop). It keeps records
 * (AppModule.records): its migrations run at start on PostgreSQL (DATABASE_URL) or PGlite; what
 * concerns an order's transaction (its use cases, its consumer, their Idempotency-Key answers) commits
 * over the records' SQL store, while a session's methods and choice are working state in the key-value
 * store (Redis), like every session context's. The gateways: the
 * sandbox for every online method (SPEC §9: wherever a real gateway's keys are not configured), its
 * webhooks signed with SANDBOX_WEBHOOK_SECRET (random per process when unset, as in embedded mode),
 * its hosted page mounted beside payment's routes. Every gateway call goes through the resilient
 * wrapper (timeout, retries, circuit breaker).
 */
import { Effect, Layer } from "effect"
import { layerPaymentRecords, paymentMigrations } from "@kasa/adapter-postgres"
import { randomSandboxSecret, SANDBOX_WEBHOOK_SECRET, sandboxGateway, sandboxRoutes } from "@kasa/adapter-gateway-sandbox"
import { PaymentGateways, paymentConsumer, paymentOrdersConsumer, PaymentSettings, resilientGateway, SANDBOX_GATEWAYS } from "@kasa/payment"
import { type AppModule, consumerSpec, layerFromRecords, recordsStore } from "@kasa/app-platform"
import { paymentOpenApiPaths } from "./openapi.ts"
import { paymentRoutes } from "./routes.ts"
import type { PaymentServices } from "./services.ts"

export interface PaymentModuleOptions {
  /** Where SANDBOX_WEBHOOK_SECRET and ADMIN_TOKEN are read from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>
}

/** Where a gateway sends the shopper back: the storefront's order page. */
export const returnUrl = (orderId: string, transactionId: string): string =>
  `/orders/${encodeURIComponent(orderId)}?transaction_id=${encodeURIComponent(transactionId)}`

export const paymentModule = (options: PaymentModuleOptions = {}): AppModule<PaymentServices> => {
  const env = options.env ?? process.env
  const secret = env[SANDBOX_WEBHOOK_SECRET] || randomSandboxSecret()
  // Where the sandbox's webhooks go when no page request says (the BLIK bank's confirmation): PUBLIC_URL, else this app's port.
  const port = env.PORT ?? "3000"
  const shopOrigin = env.PUBLIC_URL || (port === "0" ? undefined : `http://127.0.0.1:${port}`)
  const gateways = Layer.effect(
    PaymentGateways,
    Effect.map(sandboxGateway({ secret, shopOrigin }), (sandbox) => new Map([[sandbox.id, resilientGateway(sandbox)]]))
  )
  const settings = Layer.succeed(PaymentSettings, PaymentSettings.of({ gateways: SANDBOX_GATEWAYS, returnUrl }))
  return {
    name: "payment",
    records: { name: "payment", migrations: paymentMigrations },
    layer: Layer.mergeAll(layerPaymentRecords, settings, gateways).pipe(Layer.provide(layerFromRecords)),
    routes: (runtime) => {
      return paymentRoutes(runtime, { adminToken: env.ADMIN_TOKEN }).route("/", sandboxRoutes({ secret, store: recordsStore(runtime), shopOrigin }))
    },
    openApiPaths: paymentOpenApiPaths,
    consumers: [consumerSpec(paymentConsumer()), consumerSpec(paymentOrdersConsumer(), { overRecords: true })]
  }
}
