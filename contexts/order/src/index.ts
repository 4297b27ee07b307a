/**
 * @kasa/order: the Order bounded context (SPEC §4.8, §3.4): the order record and how it is created,
 * its statuses, its lifecycle (payment outcomes, cancellation, refunds, compensation, the shop's
 * fulfilment steps), the errors, the order and delivery events it publishes; its records port, its
 * use cases and its consumer.
 */
export * from "./application.ts"
export * from "./consumers.ts"
export * from "./errors.ts"
export * from "./events.ts"
export * from "./facts.ts"
export * from "./fulfilment.ts"
export * from "./lifecycle.ts"
export * from "./lifecycle-step.ts"
export * from "./order.ts"
export * from "./order-details.ts"
export * from "./order-status.ts"
export * from "./parked.ts"
export * from "./ports.ts"
export * from "./views.ts"
