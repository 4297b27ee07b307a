/**
 * Where a cart the store does not hold starts counting versions (see `restartedCart`): by default the
 * clock in milliseconds, so a cart that expired and comes back never reuses a version other contexts
 * have seen. A reference, so a test that pins its numbering (as it would pin a clock) can say so.
 */
import { Context } from "effect"

/** The clock itself: a new cart's first version is above every version an earlier life of it used. */
export const clockFloor = (nowMs: number): number => Math.floor(nowMs)

/** Versions from 1 for every new cart: for tests that assert exact numbering, never for a running shop. */
export const noFloor = (_nowMs: number): number => 0

export const CartVersionFloor = Context.Reference<(nowMs: number) => number>("@kasa/cart/CartVersionFloor", { defaultValue: () => clockFloor })
