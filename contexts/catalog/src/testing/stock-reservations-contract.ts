/**
 * The StockReservations contract: one suite every stock adapter must pass unchanged (memory, Redis).
 * All or nothing across lines, never below zero, commit keeps units out, release returns them (also
 * after a commit: a cancelled paid order), replays are idempotent and different requests conflict,
 * expiry releases, every change publishes its `inventory.*` event through the outbox, and concurrent
 * reservations from several processes never oversell. Framework-free: a test file registers each case.
 */
import { reservingCases } from "./reserving-cases.ts"
import { settlingCases } from "./settling-cases.ts"
import type { StockReservationsCase } from "./stock-reservations-harness.ts"

export type { OpenReservations, StockReservationsCase, StockReservationsHarness } from "./stock-reservations-harness.ts"

export const stockReservationsContract: ReadonlyArray<StockReservationsCase> = [...reservingCases, ...settlingCases]
