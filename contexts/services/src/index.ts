/**
 * @kasa/services: the Services (value-added services) bounded context (SPEC §4.6). The rules as a
 * value (parsed from the shipped `services_rules.yaml`), the pure offering and pricing library (which
 * services a line or cart may have, what they cost, whether one may become a cart line: what the
 * cart app's ServicePricing adapter embeds), its errors and event, its ports with the StateStore-backed
 * ServicesStore, the queries, and the cart-events consumer. Test support is `@kasa/services/testing`.
 */
export * from "./application.ts"
export * from "./consumers.ts"
export * from "./data-file.ts"
export * from "./errors.ts"
export * from "./events.ts"
export * from "./offering.ts"
export * from "./ports.ts"
export * from "./pricing.ts"
export * from "./rules.ts"
export * from "./services-store.ts"
