/** @kasa/app-checkout: checkout's module (routes, adapters, consumer, retry sweep) for its own app and for the shop. */
export * from "./errors-to-http.ts"
export * from "./module.ts"
export * from "./notifying-consumer.ts"
export * from "./openapi.ts"
export * from "./retry-deadlines.ts"
export * from "./routes.ts"
export * from "./services.ts"
