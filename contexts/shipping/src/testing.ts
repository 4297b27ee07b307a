/**
 * Test support that ships with the context (`@kasa/shipping/testing`): the ShippingStore contract
 * every ShippingStore must pass over every StateStore, and the builders tests use (parcel facts,
 * cart snapshots and events, calendar stand-ins). Framework-free, so it runs under any test runner
 * and on Deno.
 */
export * from "./testing/fixtures.ts"
export * from "./testing/shipping-store-contract.ts"
