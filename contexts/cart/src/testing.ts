/**
 * Test support that ships with the context (`@kasa/cart/testing`): the CartStore contract every
 * CartStore must pass over every StateStore, and the builders tests use (fixture offers, requests,
 * a table-driven ServicePricing). Framework-free, so it runs under any test runner and on Deno.
 */
export * from "./testing/cart-store-contract.ts"
export * from "./testing/fixtures.ts"
