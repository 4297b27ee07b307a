/** @kasa/app-order: order's module (routes, consumer, records) for its own app and the shop. */
export * from "./errors-to-http.ts"
export * from "./module.ts"
export * from "./openapi.ts"
export * from "./routes.ts"
export * from "./services.ts"
