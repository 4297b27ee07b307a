/**
 * @kasa/payment: the Payment bounded context's pure domain (SPEC §4.4, §3.4, §9): the transaction and
 * its state machine, the payment methods a session may use, the projection of cart, shipping and
 * promotion events those are decided from, BLIK codes, the errors, and the events it publishes.
 */
export * from "./blik.ts"
export * from "./errors.ts"
export * from "./events.ts"
export * from "./gateway.ts"
export * from "./methods.ts"
export * from "./ports.ts"
export * from "./projection.ts"
export * from "./transaction.ts"
export * from "./transition.ts"
export * from "./consumers.ts"
export * from "./resilient-gateway.ts"
export * from "./session-store.ts"
export * from "./session-use-cases.ts"
export * from "./transaction-use-cases.ts"
export * from "./metrics.ts"
export * from "./views.ts"
