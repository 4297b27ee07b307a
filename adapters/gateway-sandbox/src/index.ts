/**
 * @kasa/adapter-gateway-sandbox: payment's PaymentGateway port as a sandbox (SPEC §4.4) for the
 * embedded shop and tests: a hosted checkout page on the shop itself, BLIK that confirms by itself,
 * signed webhooks, refunds, and a ledger in the app's StateStore shared by every instance.
 */
export * from "./sandbox-amount.ts"
export * from "./sandbox-bank.ts"
export * from "./sandbox-event.ts"
export * from "./sandbox-gateway.ts"
export * from "./sandbox-ledger.ts"
export * from "./sandbox-outcomes.ts"
export * from "./sandbox-page.ts"
export * from "./sandbox-routes.ts"
export * from "./sandbox-secret.ts"
export * from "./sandbox-signature.ts"
export * from "./sandbox-webhook.ts"
