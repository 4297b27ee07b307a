/**
 * @kasa/checkout: the Checkout bounded context's pure domain (SPEC §4.7, §3.4): the projection of cart,
 * shipping, promotion, payment, inventory and its own events, the totals, the shopper's data and
 * consents (with the Polish NIP checksum), finalize's validation and the order it creates, the summary
 * view, the errors, and the events it publishes (pure, no I/O); and its application over ports: the
 * session store, the use cases (summary, customer data, consents, finalize), the consumer, the
 * payment retry window's sweep and the summary's read-your-writes wait.
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
export * from "./consumer.ts"
export * from "./finalize-use-case.ts"
export * from "./memory-retry-deadlines.ts"
export * from "./ports.ts"
export * from "./retry-sweep.ts"
export * from "./retry-window.ts"
export * from "./session-store.ts"
export * from "./session-use-cases.ts"
export * from "./summary-wait.ts"
export * from "./use-case-errors.ts"
