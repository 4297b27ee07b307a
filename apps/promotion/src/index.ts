/** @kasa/app-promotion: the promotion's module (routes, adapters, consumer) for its own app and for the shop. */
export * from "./errors-to-http.ts"
export * from "./layers.ts"
export * from "./module.ts"
export * from "./openapi.ts"
export * from "./routes.ts"
export * from "./rules-file.ts"
