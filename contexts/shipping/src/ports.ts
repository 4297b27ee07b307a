/**
 * What shipping needs from the world, as ports (ARCHITECTURE §3): where sessions' shipping state is
 * kept (with the per-cart cache of available methods), the parcel facts of offers (size class,
 * weight: the catalog's data, which the app supplies), and the external delivery calendar. Shipping
 * never asks the cart or the catalog over HTTP: the cart arrives as events, the rest through these.
 */
import { Context } from "effect"
import type { Effect } from "effect"
import type { AtomicWrite, Envelope, WriteConflict } from "@kasa/shared"
import type { ShippingSession } from "./domain.ts"
import type { CalendarUnavailable, ShippingUnavailable } from "./errors.ts"
import type { ParcelSpec } from "./shipment.ts"
import type { MethodView } from "./view.ts"

export class ParcelSpecs extends Context.Service<
  ParcelSpecs,
  {
    /** The parcel facts of those offers it knows; an unknown offer is simply absent. */
    readonly specsOf: (offerIds: ReadonlyArray<string>) => Effect.Effect<ReadonlyMap<string, ParcelSpec>>
  }
>()("@kasa/shipping/ParcelSpecs") {}

export interface CalendarQuery {
  readonly method_id: string
  /** The delivery address, when the shopper has given one. */
  readonly country?: string | undefined
  readonly postal_code?: string | undefined
  /** The window asked for, inclusive. */
  readonly from: string
  readonly to: string
}

export class DeliveryCalendar extends Context.Service<
  DeliveryCalendar,
  {
    /** The days the carrier delivers in the window, or why there is no answer (the caller falls back). */
    readonly deliveryDays: (query: CalendarQuery) => Effect.Effect<ReadonlyArray<string>, CalendarUnavailable>
  }
>()("@kasa/shipping/DeliveryCalendar") {}

/** What each of the session's keys held when it was loaded (opaque), so a save can check nobody wrote since. */
export interface SessionRevision {
  readonly session: string | undefined
  readonly address: string | undefined
  readonly addons: string | undefined
}

export interface LoadedSession {
  readonly session: ShippingSession
  readonly revision: SessionRevision
}

export interface ShippingWrite {
  readonly loaded: LoadedSession
  readonly session: ShippingSession
  readonly events: ReadonlyArray<Envelope>
  /** Cart hashes whose cached methods to drop (the cart they were computed for has changed). */
  readonly evictMethods?: ReadonlyArray<string>
}

export class ShippingStore extends Context.Service<
  ShippingStore,
  {
    /** The session's shipping state; an empty one (no cart seen, nothing chosen) for a new session. */
    readonly load: (sessionId: string) => Effect.Effect<LoadedSession, ShippingUnavailable>
    /**
     * Writes the state and its outbox envelopes in one atomic step, only if none of the session's
     * keys changed since the load; otherwise fails with WriteConflict and writes nothing.
     */
    readonly save: (write: ShippingWrite) => Effect.Effect<void, ShippingUnavailable | WriteConflict>
    /** The same write as data, for a consumer whose runtime commits it with its processed marker. */
    readonly toAtomicWrite: (write: ShippingWrite) => AtomicWrite
    /** The methods cached for a cart hash; a miss (also when the cache does not answer) is undefined. */
    readonly cachedMethods: (cartHash: string) => Effect.Effect<ReadonlyArray<MethodView> | undefined>
    /** Caches the methods for a cart hash, best effort (a cache that does not answer is not an error). */
    readonly cacheMethods: (cartHash: string, methods: ReadonlyArray<MethodView>) => Effect.Effect<void>
  }
>()("@kasa/shipping/ShippingStore") {}
