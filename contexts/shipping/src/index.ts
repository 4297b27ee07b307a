/**
 * @kasa/shipping: the Shipping bounded context (SPEC §4.3, §9). The pure rules (eligibility and
 * pricing, postal codes, the default calendar, the session's choices), its errors, the events it
 * publishes, its ports with the StateStore-backed ShippingStore and in-memory ParcelSpecs, the use
 * cases, and the cart-events consumer. Test support (the ShippingStore contract, fixtures) is
 * imported separately from `@kasa/shipping/testing`.
 */
export * from "./address.ts"
export * from "./application.ts"
export * from "./assessment.ts"
export * from "./calendar.ts"
export * from "./calendar-not-configured.ts"
export * from "./consumers.ts"
export * from "./data-file.ts"
export * from "./domain.ts"
export * from "./eligibility.ts"
export * from "./errors.ts"
export * from "./events.ts"
export * from "./parcel-specs.ts"
export * from "./ports.ts"
export * from "./rules.ts"
export * from "./rules-file.ts"
export * from "./shipment.ts"
export * from "./shipping-store.ts"
export * from "./view.ts"
