/**
 * The rules every CodeUsage adapter shares, so memory and Redis count the same way: the keys
 * (SPEC §4.5's `promo_codes:usage:{code}` counter, plus one record per redeemed order that makes a
 * redemption idempotent and remembers its outcome), what a valid request is, the decision itself as a
 * pure function, and what the checkout's finalize asks: can this code still be used?
 */
import type { CodeRule } from "./rules.ts"
import type { RedemptionOutcome } from "./ports.ts"

export const CodeUsageKeys = {
  usage: (code: string): string => `promo_codes:usage:${code}`,
  redemption: (code: string, orderId: string): string => `promo_codes:redemption:${code}:${orderId}`
} as const

/** How long the per-order record is kept: far longer than any redelivery or payment retry window. */
export const REDEMPTION_RECORD_TTL_SECONDS = 90 * 24 * 60 * 60

/** What is wrong with a redemption request (empty when nothing is). */
export const redemptionProblems = (code: string, limit: number | null, orderId: string): ReadonlyArray<string> => {
  const problems: Array<string> = []
  if (code.length === 0 || code.length > 64) problems.push("code: must be 1 to 64 characters")
  if (orderId.length === 0 || orderId.length > 128) problems.push("order_id: must be 1 to 128 characters")
  if (limit !== null && !(Number.isSafeInteger(limit) && limit >= 1)) problems.push(`limit: must be a whole number of at least 1, or null, got ${limit}`)
  return problems
}

/** One redemption decided: count it while uses are left; with no limit, always. */
export const redemptionOutcome = (used: number, limit: number | null): RedemptionOutcome => (limit === null || used < limit ? "redeemed" : "limit_reached")

export const isRedemptionOutcome = (value: string): value is RedemptionOutcome => value === "redeemed" || value === "limit_reached"

/** Whether a code may still be used by one more order: the check the checkout repeats at finalize. */
export const hasUsesLeft = (rule: Pick<CodeRule, "usage_limit">, used: number): boolean => rule.usage_limit === null || used < rule.usage_limit
