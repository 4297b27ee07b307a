/**
 * Test support that ships with the context (`@kasa/catalog/testing`): the StockReservations contract
 * every stock adapter must pass (memory, Redis), its harness and its cases. Framework-free, so it runs
 * under any test runner and on Deno.
 */
export * from "./testing/stock-reservations-contract.ts"
