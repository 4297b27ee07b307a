/**
 * @kasa/order: the Order bounded context's pure domain (SPEC §4.8, §3.4): the order record and how it
 * is created, its statuses, its lifecycle (payment outcomes, cancellation, refunds, compensation, the
 * shop's fulfilment steps), the errors, and the order and delivery events it publishes.
 */
export * from "./errors.ts"
export * from "./events.ts"
export * from "./fulfilment.ts"
export * from "./lifecycle.ts"
export * from "./lifecycle-step.ts"
export * from "./order.ts"
export * from "./order-details.ts"
export * from "./order-status.ts"
