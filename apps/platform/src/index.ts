/** @kasa/app-platform: what every Kasa app shares. */
export * from "./app-module.ts"
export * from "./app-runtime.ts"
export * from "./docs.ts"
export * from "./health.ts"
export * from "./infra-config.ts"
export * from "./infra-layer.ts"
export * from "./idempotency.ts"
