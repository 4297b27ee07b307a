/** @kasa/adapter-memory: the embedded mode's bus and stores. */
export * from "./memory-broker.ts"
export * from "./memory-code-usage.ts"
export * from "./memory-event-bus.ts"
export * from "./memory-outbox-reader.ts"
export * from "./memory-state-store.ts"
export * from "./memory-stock-reservations.ts"
