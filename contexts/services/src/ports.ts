/**
 * What the services context needs from the world, as ports (ARCHITECTURE §3): the rules in force
 * (loaded by the app from the rules file) and where its projection of carts is kept. The context
 * never asks the cart for a cart: it keeps its own copy, built from the snapshots cart events carry.
 */
import { Context, Layer } from "effect"
import type { Effect } from "effect"
import type { AtomicWrite, CartSnapshotLine, Envelope, WriteConflict } from "@kasa/shared"
import type { ServicesUnavailable } from "./errors.ts"
import type { OfferedService } from "./offering.ts"
import type { ServicesRules, ServicesRulesFile } from "./rules.ts"

/** The services rules this process runs with. */
export class ServiceRulebook extends Context.Service<ServiceRulebook, { readonly rules: ServicesRules }>()("@kasa/services/ServiceRulebook") {}

export const layerServiceRulebook = (rules: ServicesRules): Layer.Layer<ServiceRulebook> => Layer.succeed(ServiceRulebook, ServiceRulebook.of({ rules }))

/** A session's cart as the services context last saw it (the newest snapshot it projected). */
export interface ProjectedCart {
  readonly session_id: string
  readonly cart_version: number
  readonly cart_hash: string
  readonly currency: string
  readonly lines: ReadonlyArray<CartSnapshotLine>
}

/** A projection as loaded, with what the store held then (opaque), so a write can check nobody wrote since. */
export interface LoadedProjection {
  readonly cart: ProjectedCart | undefined
  readonly revision: string | undefined
}

/** The availability computed for one cart content under one set of rules. */
export interface StoredAvailability {
  readonly cart_hash: string
  /** The fingerprint of the rules it was computed under; other rules make it stale. */
  readonly rules_fingerprint: string
  readonly services: ReadonlyArray<OfferedService>
  readonly total_services_price: number
}

/** A newer cart, its availability and the events they cause, over the projection it was loaded as. */
export interface ProjectionWrite {
  readonly loaded: LoadedProjection
  readonly cart: ProjectedCart
  readonly availability: StoredAvailability
  readonly events: ReadonlyArray<Envelope>
}

/** The rules as recorded in the store: the file's content and its fingerprint. */
export interface RecordedRules extends ServicesRulesFile {
  readonly fingerprint: string
}

export class ServicesStore extends Context.Service<
  ServicesStore,
  {
    /** The session's projected cart; undefined when no cart event of it was seen. */
    readonly loadCart: (sessionId: string) => Effect.Effect<LoadedProjection, ServicesUnavailable>
    /** The availability cached for a cart content; undefined when none is (or it expired). */
    readonly loadAvailability: (cartHash: string) => Effect.Effect<StoredAvailability | undefined, ServicesUnavailable>
    /**
     * The projection, its availability and its events (on the outbox) as one atomic write, applied
     * only if the projection is still the one loaded (else WriteConflict); the consumer runtime
     * commits it together with its processed marker.
     */
    readonly toAtomicWrite: (write: ProjectionWrite) => AtomicWrite
    /** Writes it through the store itself (tests, tools); the consumer commits `toAtomicWrite` instead. */
    readonly save: (write: ProjectionWrite) => Effect.Effect<void, ServicesUnavailable | WriteConflict>
    /** Records the rules in force. */
    readonly recordRules: (rules: ServicesRules) => Effect.Effect<void, ServicesUnavailable>
    /** The rules last recorded; undefined when none were. */
    readonly loadRules: () => Effect.Effect<RecordedRules | undefined, ServicesUnavailable>
  }
>()("@kasa/services/ServicesStore") {}
