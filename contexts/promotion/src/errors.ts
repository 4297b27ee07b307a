/**
 * What can go wrong in the promotion context, as tagged errors in the error channel (ARCHITECTURE
 * §3). They carry the facts a client needs (which rule, which reason); the app maps each tag to an
 * HTTP status in one table (apps/promotion/src/errors-to-http.ts), so no status lives here.
 */
import { Schema } from "effect"

/** Why a code cannot be applied: the `reason` of SPEC's `promotion.code_invalid` and of the 422. */
export const CodeInvalidReason = Schema.Literals(["unknown", "expired", "usage_limit_reached", "minimum_not_met", "not_combinable"])
export type CodeInvalidReason = typeof CodeInvalidReason.Type

/** Why a promotion cannot be applied to this cart now. */
export const PromotionRefusalReason = Schema.Literals(["not_yet_valid", "expired", "minimum_not_met", "not_combinable"])
export type PromotionRefusalReason = typeof PromotionRefusalReason.Type

/** The rules have no promotion with this id. */
export class PromotionNotFound extends Schema.TaggedError<PromotionNotFound>()("PromotionNotFound", {
  promotion_id: Schema.String
}) {}

/** The promotion exists but this cart cannot have it now (outside its window, does not qualify, conflicts). */
export class PromotionNotApplicable extends Schema.TaggedError<PromotionNotApplicable>()("PromotionNotApplicable", {
  promotion_id: Schema.String,
  reason: PromotionRefusalReason,
  detail: Schema.String,
  /** What it conflicts with, for `not_combinable`. */
  conflicts_with: Schema.optionalKey(Schema.String)
}) {}

/** The code cannot be applied; `promotion.code_invalid` is published with the same reason. */
export class CodeRejected extends Schema.TaggedError<CodeRejected>()("CodeRejected", {
  code: Schema.String,
  reason: CodeInvalidReason,
  detail: Schema.String
}) {}

/** DELETE of a promotion or code this session does not have applied. */
export class NotApplied extends Schema.TaggedError<NotApplied>()("NotApplied", {
  id: Schema.String
}) {}

/** Other writers (the cart-events consumer, another request) kept changing the session's promotions. */
export class PromotionsChangedConcurrently extends Schema.TaggedError<PromotionsChangedConcurrently>()("PromotionsChangedConcurrently", {
  attempts: Schema.Number
}) {}

/** The promotion store cannot be reached or holds something unreadable; nothing was applied. */
export class PromotionsUnavailable extends Schema.TaggedError<PromotionsUnavailable>()("PromotionsUnavailable", {
  operation: Schema.String,
  message: Schema.String
}) {}

/** The code usage counters cannot be reached; nothing was counted. */
export class CodeUsageUnavailable extends Schema.TaggedError<CodeUsageUnavailable>()("CodeUsageUnavailable", {
  operation: Schema.String,
  message: Schema.String
}) {}

/** A redemption asked with arguments no counter should take (an empty code, a limit below 1). */
export class InvalidRedemption extends Schema.TaggedError<InvalidRedemption>()("InvalidRedemption", {
  problems: Schema.Array(Schema.String)
}) {}

/** The rules file breaks the rules; the app refuses to start, naming each problem. */
export class InvalidRules extends Schema.TaggedError<InvalidRules>()("InvalidRules", {
  source: Schema.String,
  problems: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `invalid promotion rules ${this.source}: ${this.problems.join("; ")}`
  }
}

/** Every error a promotion use case answers a request with. */
export type PromotionError =
  | PromotionNotFound
  | PromotionNotApplicable
  | CodeRejected
  | NotApplied
  | PromotionsChangedConcurrently
  | PromotionsUnavailable
  | CodeUsageUnavailable
