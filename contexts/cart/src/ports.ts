/**
 * What the cart needs from the world, as ports (ARCHITECTURE §3): where carts are kept, what an
 * offer costs, and what a service line costs. The cart never asks another context over HTTP: the
 * app satisfies `OfferLookup` from the catalog's data and `ServicePricing` from the service rules.
 */
import { Context } from "effect"
import type { Effect } from "effect"
import type { AtomicWrite, Envelope, WriteConflict } from "@kasa/shared"
import type { Cart, Line } from "./domain.ts"
import type { CartUnavailable, ServiceNotAvailable } from "./errors.ts"
import type { CartView } from "./view.ts"

/** A catalog offer as the cart sees it: enough to name, categorize and price a line. */
export interface Offer {
  readonly offer_id: string
  readonly name: string
  readonly category: string
  /** Unit price in minor units of `currency`. */
  readonly price: number
  readonly currency: string
  /** Warranties only: the categories of lines this warranty may be attached to. */
  readonly warranty_for?: ReadonlyArray<string> | undefined
}

export class OfferLookup extends Context.Service<
  OfferLookup,
  {
    /** The offer with this id, or undefined when the catalog has none. */
    readonly find: (offerId: string) => Effect.Effect<Offer | undefined>
  }
>()("@kasa/cart/OfferLookup") {}

export interface ServiceRequest {
  readonly service_id: string
  /** The line the service is for; undefined for a standalone service. */
  readonly parent: Line | undefined
  readonly quantity: number
}

export interface ServiceQuote {
  readonly name: string
  /** Price of one unit in minor units of `currency`. */
  readonly unit_price: number
  readonly currency: string
}

export class ServicePricing extends Context.Service<
  ServicePricing,
  {
    /** Prices the service for that parent, or says why it cannot be added. */
    readonly quote: (request: ServiceRequest) => Effect.Effect<ServiceQuote, ServiceNotAvailable>
  }
>()("@kasa/cart/ServicePricing") {}

/** A cart as loaded, with what the store held then (opaque), so a save can check nobody wrote since. */
export interface LoadedCart {
  readonly cart: Cart
  readonly revision: string | undefined
}

/** A new cart and the envelopes its changes caused, to be written over the cart it was loaded as. */
export interface CartWrite {
  readonly loaded: LoadedCart
  readonly cart: Cart
  readonly events: ReadonlyArray<Envelope>
  /** `toView(cart)` when the caller has it already (the command's answer): stored as is, not built again. */
  readonly view?: CartView
}

export class CartStore extends Context.Service<
  CartStore,
  {
    /** The session's cart; an empty cart at version 0 when the session has none. */
    readonly load: (sessionId: string) => Effect.Effect<LoadedCart, CartUnavailable>
    /**
     * Writes the cart, its event stream entries and its outbox envelopes in one atomic step, only
     * if the stored cart is still the one loaded; otherwise fails with WriteConflict and writes nothing.
     */
    readonly save: (write: CartWrite) => Effect.Effect<void, CartUnavailable | WriteConflict>
    /** The same write as data, for a consumer whose runtime commits it with its processed marker. */
    readonly toAtomicWrite: (write: CartWrite) => AtomicWrite
  }
>()("@kasa/cart/CartStore") {}
