/**
 * @kasa/cart: the Cart bounded context (SPEC §4.2). The pure domain (lines, rules, totals), its
 * errors, the events it publishes, its ports with the StateStore-backed CartStore and an in-memory
 * OfferLookup, the use cases, and the checkout-events consumer. Test support (the CartStore contract,
 * fixtures) is imported separately from `@kasa/cart/testing`.
 */
export * from "./application.ts"
export * from "./cart-store.ts"
export * from "./consumers.ts"
export * from "./domain.ts"
export * from "./errors.ts"
export * from "./events.ts"
export * from "./offer-index.ts"
export * from "./ports.ts"
export * from "./version-floor.ts"
export * from "./view.ts"
