/** @kasa/app-shipping: shipping's module (routes, adapters, consumer) for its own app and for the shop. */
export * from "./calendar-config.ts"
export * from "./catalog-parcels.ts"
export * from "./errors-to-http.ts"
export * from "./module.ts"
export * from "./openapi.ts"
export * from "./routes.ts"
export * from "./rules-file.ts"
