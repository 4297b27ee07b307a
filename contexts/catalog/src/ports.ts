/**
 * The catalog's ports. `ProductCatalog` is the validated product list the app loaded at start.
 * `StockReservations` keeps the live stock counters and the reservations against them: the
 * checkout's finalize reserves an order's lines all or nothing, and the stock change, the reservation
 * and its `inventory.*` event land in one atomic step with the app's outbox, so two finalizes can
 * never sell the same unit and no event is ever lost. Times come from Effect's Clock.
 */
import { Context, type Effect } from "effect"
import type { StoreUnavailable } from "@kasa/shared"
import type { Catalog } from "./catalog.ts"
import type { InsufficientStock, InvalidReservation, ReservationConflict, ReservationNotFound, ReservationReleased } from "./errors.ts"
import type { EventContext } from "./events.ts"
import type { Reservation, ReservationLine, ReserveRequest } from "./reservation.ts"

export class ProductCatalog extends Context.Service<ProductCatalog, Catalog>()("@kasa/catalog/ProductCatalog") {}

export interface ReleaseOutcome {
  readonly reservation: Reservation
  /** Units put back into stock by this call; empty when the reservation had already been released. */
  readonly returned: ReadonlyArray<ReservationLine>
}

export interface StockLevel {
  readonly offer_id: string
  readonly stock: number
}

export class StockReservations extends Context.Service<
  StockReservations,
  {
    /**
     * Takes every line or none (lines of one offer are merged), holds the units for `ttlSeconds` and
     * publishes `inventory.reserved`. Asking again for the same order with the same lines returns the
     * existing reservation and changes nothing; other lines, or a released reservation, conflict.
     */
    readonly reserve: (
      request: ReserveRequest
    ) => Effect.Effect<Reservation, InsufficientStock | InvalidReservation | ReservationConflict | StoreUnavailable>
    /** The units leave for good (`inventory.committed`); committing twice is a no-op. */
    readonly commit: (
      orderId: string,
      context?: EventContext
    ) => Effect.Effect<Reservation, ReservationNotFound | ReservationReleased | StoreUnavailable>
    /**
     * Held or committed units go back to stock (a cancelled paid order returns its units) with
     * `inventory.released`; releasing again returns nothing and publishes nothing.
     */
    readonly release: (
      orderId: string,
      reason: string,
      context?: EventContext
    ) => Effect.Effect<ReleaseOutcome, ReservationNotFound | InvalidReservation | StoreUnavailable>
    /** Releases, with reason `expired`, every reservation still held whose deadline is at or before `now`. */
    readonly releaseExpired: (now: Date) => Effect.Effect<ReadonlyArray<ReleaseOutcome>, StoreUnavailable>
    readonly reservation: (orderId: string) => Effect.Effect<Reservation | undefined, StoreUnavailable>
    /** Units available per offer, in the order asked; an offer never stocked has 0. */
    readonly stock: (offerIds: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<StockLevel>, StoreUnavailable>
    /** Sets the stock of each offer that has none yet (a restart never resets live stock); returns the offers it set. */
    readonly seed: (levels: ReadonlyArray<StockLevel>) => Effect.Effect<ReadonlyArray<string>, StoreUnavailable>
  }
>()("@kasa/catalog/StockReservations") {}

/** Redis/memory key layout shared by the adapters (before any connection prefix), SPEC §4.1. */
export const StockKeys = {
  stock: (offerId: string): string => `inventory:stock:${offerId}`,
  reservation: (orderId: string): string => `inventory:reservation:${orderId}`,
  reservationPrefix: "inventory:reservation:",
  /** Sorted set of held reservations by deadline (ms), for the expiry sweep. */
  deadlines: "inventory:reservation-deadlines"
} as const
