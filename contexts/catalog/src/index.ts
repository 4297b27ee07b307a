/** @kasa/catalog: products, prices and stock (SPEC §4.1): the pure catalog, reservations, events, ports and use cases. */
export * from "./application.ts"
export * from "./catalog.ts"
export * from "./data-file.ts"
export * from "./errors.ts"
export * from "./events.ts"
export * from "./ports.ts"
export * from "./product.ts"
export * from "./reservation.ts"
