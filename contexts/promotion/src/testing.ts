/**
 * Test support that ships with the context (`@kasa/promotion/testing`): the PromotionStore contract
 * every PromotionStore must pass over every StateStore, the CodeUsage contract every CodeUsage
 * adapter must pass, and the builders tests use (SPEC §9's rules as file content, cart snapshots).
 * Framework-free, so it runs under any test runner and on Deno.
 */
export * from "./testing/code-usage-contract.ts"
export * from "./testing/fixtures.ts"
export * from "./testing/promotion-store-contract.ts"
