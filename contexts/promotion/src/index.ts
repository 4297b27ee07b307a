/**
 * @kasa/promotion: the Promotion bounded context (SPEC §4.5, §9). The rules (parsed from the file the
 * shop ships), the pure maths and decisions, its errors, the events it publishes, its ports with the
 * StateStore-backed PromotionStore and the CodeUsage port's shared rules, the use cases (including the
 * code check the checkout repeats at finalize), and the cart-events / checkout-events consumer. Test
 * support (contract suites, fixtures) is imported separately from `@kasa/promotion/testing`.
 */
export * from "./application.ts"
export * from "./code-usage.ts"
export * from "./consumers.ts"
export * from "./data-file.ts"
export * from "./discounts.ts"
export * from "./domain.ts"
export * from "./errors.ts"
export * from "./evaluation.ts"
export * from "./events.ts"
export * from "./ports.ts"
export * from "./promotion-store.ts"
export * from "./rules.ts"
export * from "./view.ts"
