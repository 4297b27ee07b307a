/**
 * Test support that ships with the context (`@kasa/services/testing`): the ServicesStore contract
 * every ServicesStore must pass over every StateStore, and the builders tests use (SPEC §9 rules,
 * cart lines, snapshots, cart events). Framework-free, so it runs under any test runner and on Deno.
 */
export * from "./testing/fixtures.ts"
export * from "./testing/services-store-contract.ts"
