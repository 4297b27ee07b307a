/**
 * The errors of checkout's use cases beyond the pure domain's (errors.ts): a command that kept losing
 * the race for its session, and a promo code that promotion no longer lets the order use. The app
 * maps each to HTTP in its one table (both 409: the state changed under the request).
 */
import { Schema } from "effect"

/** The session kept changing under the command (the consumer writing it): nothing was applied. */
export class CheckoutChangedConcurrently extends Schema.TaggedError<CheckoutChangedConcurrently>()("CheckoutChangedConcurrently", {
  attempts: Schema.Int
}) {}

/** The applied code cannot be used any more (expired, used up, its minimum no longer met): remove it or finalize again later. */
export class AppliedCodeRefused extends Schema.TaggedError<AppliedCodeRefused>()("AppliedCodeRefused", {
  code: Schema.String,
  reason: Schema.String,
  detail: Schema.String
}) {}
