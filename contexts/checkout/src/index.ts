/**
 * @kasa/checkout: the Checkout bounded context's pure domain (SPEC §4.7, §3.4): the projection of cart,
 * shipping, promotion, payment, inventory and its own events, the totals, the shopper's data and
 * consents (with the Polish NIP checksum), finalize's validation and the order it creates, the summary
 * view, the errors, and the events it publishes. No I/O.
 */
export * from "./consumed-events.ts"
export * from "./customer.ts"
export * from "./errors.ts"
export * from "./events.ts"
export * from "./finalize.ts"
export * from "./projection.ts"
export * from "./reactions.ts"
export * from "./summary.ts"
export * from "./totals.ts"
