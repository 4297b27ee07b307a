/**
 * The promotion context's CodeUsage over the embedded mode's in-memory state: the counter
 * `promo_codes:usage:{code}` and the per-order record live in the same MemoryStateData as every other
 * context's state, under the same keys as in Redis, and a redemption reads, decides and writes
 * (counter, record and the outcome's outbox entries) in one synchronous step, which nothing can
 * interleave with in a single-threaded runtime. The decision is the context's `redemptionOutcome`,
 * shared with the Redis adapter.
 */
import { Effect, Layer } from "effect"
import type { StateOp } from "@kasa/shared"
import {
  CodeUsage,
  CodeUsageKeys,
  InvalidRedemption,
  isRedemptionOutcome,
  REDEMPTION_RECORD_TTL_SECONDS,
  type Redemption,
  type RedemptionEvents,
  redemptionOutcome,
  redemptionProblems
} from "@kasa/promotion"
import type { MemoryStateData } from "./memory-state-store.ts"

const usedOf = (data: MemoryStateData, code: string): number => Number(data.read(CodeUsageKeys.usage(code)) ?? "0")

export const makeMemoryCodeUsage = (data: MemoryStateData): typeof CodeUsage.Service =>
  CodeUsage.of({
    redeem: Effect.fn("MemoryCodeUsage.redeem")(function* (code: string, limit: number | null, orderId: string, events?: RedemptionEvents) {
      const problems = redemptionProblems(code, limit, orderId)
      if (problems.length > 0) return yield* new InvalidRedemption({ problems })
      // From the first read to the write, one synchronous block.
      return yield* Effect.sync((): Redemption => {
        const recordKey = CodeUsageKeys.redemption(code, orderId)
        const recorded = data.read(recordKey)
        if (recorded !== undefined && isRedemptionOutcome(recorded)) return { outcome: recorded, used: usedOf(data, code), replayed: true }
        const outcome = redemptionOutcome(usedOf(data, code), limit)
        const ops: Array<StateOp> = [{ op: "set", key: recordKey, value: outcome, ttlSeconds: REDEMPTION_RECORD_TTL_SECONDS }]
        if (outcome === "redeemed") ops.push({ op: "incrementBy", key: CodeUsageKeys.usage(code), by: 1 })
        data.commit({ ops, events: outcome === "redeemed" ? (events?.redeemed ?? []) : (events?.limitReached ?? []) })
        return { outcome, used: usedOf(data, code), replayed: false }
      })
    }),
    used: Effect.fn("MemoryCodeUsage.used")(function* (code: string) {
      return usedOf(data, code)
    })
  })

/** CodeUsage over `data`, writing its events into the same in-memory outbox the relay drains. */
export const layerMemoryCodeUsage = (data: MemoryStateData): Layer.Layer<CodeUsage> => Layer.succeed(CodeUsage, makeMemoryCodeUsage(data))
