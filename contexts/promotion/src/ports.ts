/**
 * What the promotion context needs from the world, as ports (ARCHITECTURE §3): the rules (the app
 * loads them from the shipped file), where each session's cart projection and applied discounts are
 * kept (PromotionStore, over the kernel's StateStore), and the code usage counters (CodeUsage, an
 * atomic check-and-increment per completed order, with a memory and a Redis adapter). The context
 * never asks the cart for the cart: it keeps its own projection of cart-events.
 */
import { Context, Layer } from "effect"
import type { Effect } from "effect"
import type { AtomicWrite, CartSnapshot, Envelope, OutboxEvent, WriteConflict } from "@kasa/shared"
import type { Applied, OrderRecord } from "./domain.ts"
import type { CodeUsageUnavailable, InvalidRedemption, PromotionsUnavailable } from "./errors.ts"
import type { Rules } from "./rules.ts"
import type { AvailablePromotion } from "./view.ts"

export class PromotionRules extends Context.Service<PromotionRules, { readonly rules: Rules }>()("@kasa/promotion/PromotionRules") {}

/** PromotionRules over rules already parsed (the app parses its file at start; tests pass fixtures). */
export const layerPromotionRules = (rules: Rules): Layer.Layer<PromotionRules> => Layer.succeed(PromotionRules, PromotionRules.of({ rules }))

/** A session as loaded, with what the store held then (opaque), so a save can check nobody wrote since. */
export interface LoadedSession {
  /** The newest cart snapshot seen on cart-events; an empty cart at version 0 when none was. */
  readonly cart: CartSnapshot
  /** What is applied, amounts as of `applied.cart_version`; nothing applied when none is stored. */
  readonly applied: Applied
  readonly revision: { readonly cart: string | undefined; readonly applied: string | undefined }
}

/** `promotions:available:{cart_hash}`: a cart content's available promotions, under the rules that computed them. */
export interface CachedAvailable {
  readonly rules: string
  readonly promotions: ReadonlyArray<AvailablePromotion>
}

/** What to write over a loaded session: applied discounts, maybe a newer cart, the events they caused. */
export interface SessionWrite {
  readonly loaded: LoadedSession
  /** A newer cart snapshot (the consumer's projection); undefined leaves the stored one. */
  readonly cart?: CartSnapshot | undefined
  /** Stored as is; when nothing is applied the key is removed. */
  readonly applied: Applied
  readonly events: ReadonlyArray<Envelope>
  readonly available?: { readonly cartHash: string; readonly value: CachedAvailable } | undefined
  readonly order?: OrderRecord | undefined
}

export class PromotionStore extends Context.Service<
  PromotionStore,
  {
    readonly load: (sessionId: string) => Effect.Effect<LoadedSession, PromotionsUnavailable>
    /**
     * Writes the session and its events (on promotion-events) in one atomic step, only if neither
     * its cart projection nor its applied discounts changed since the load; otherwise WriteConflict.
     */
    readonly save: (write: SessionWrite) => Effect.Effect<void, PromotionsUnavailable | WriteConflict>
    /** The same write as data, for a consumer whose runtime commits it with its processed marker. */
    readonly toAtomicWrite: (write: SessionWrite) => AtomicWrite
    /** Events that change no state (`promotion.code_invalid`), onto the outbox. */
    readonly publish: (events: ReadonlyArray<Envelope>) => Effect.Effect<void, PromotionsUnavailable>
    readonly cachedAvailable: (cartHash: string) => Effect.Effect<CachedAvailable | undefined, PromotionsUnavailable>
    readonly orderRecord: (orderId: string) => Effect.Effect<OrderRecord | undefined, PromotionsUnavailable>
  }
>()("@kasa/promotion/PromotionStore") {}

export type RedemptionOutcome = "redeemed" | "limit_reached"

export interface Redemption {
  /** `redeemed`: this order's use is counted; `limit_reached`: the code had no use left, nothing counted. */
  readonly outcome: RedemptionOutcome
  /** Uses counted for the code after this call. */
  readonly used: number
  /** True when the order had been redeemed before: the first outcome, nothing written now. */
  readonly replayed: boolean
}

/** Outbox entries written in the same atomic step as the outcome they belong to. */
export interface RedemptionEvents {
  readonly redeemed: ReadonlyArray<OutboxEvent>
  readonly limitReached: ReadonlyArray<OutboxEvent>
}

export class CodeUsage extends Context.Service<
  CodeUsage,
  {
    /**
     * Counts one use of `code` by `orderId`, atomically, unless `limit` uses (null: no limit) are
     * already counted; writes the events of the outcome with it. Once per order: a second call for
     * the same code and order returns the first outcome and writes nothing, however often it comes.
     */
    readonly redeem: (
      code: string,
      limit: number | null,
      orderId: string,
      events?: RedemptionEvents
    ) => Effect.Effect<Redemption, CodeUsageUnavailable | InvalidRedemption>
    /** Uses counted so far (0 for a code never used). */
    readonly used: (code: string) => Effect.Effect<number, CodeUsageUnavailable>
  }
>()("@kasa/promotion/CodeUsage") {}
