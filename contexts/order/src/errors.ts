/**
 * What can go wrong in the order's pure domain, as tagged errors in the error channel (ARCHITECTURE
 * §3). They speak the domain's language and carry the facts a client needs; the app maps each tag to
 * an HTTP status in one table (IllegalTransition / OrderNotCancellable 409, InvalidRefundAmount /
 * RefundExceedsPaid 422; OrderNotFound 404, OrdersForbidden 403, OrderChangedConcurrently 409), so no
 * status code lives in this context.
 */
import { Schema } from "effect"

/** The order's lifecycle (SPEC §4.8) does not take this event in this status. */
export class IllegalTransition extends Schema.TaggedError<IllegalTransition>()("IllegalTransition", {
  order_id: Schema.String,
  from: Schema.String,
  event: Schema.String
}) {}

/** The order has left the shop (out for delivery or delivered): it can no longer be cancelled. */
export class OrderNotCancellable extends Schema.TaggedError<OrderNotCancellable>()("OrderNotCancellable", {
  order_id: Schema.String,
  status: Schema.String
}) {}

/** A refund reported with an amount that is not a positive whole number of minor units. */
export class InvalidRefundAmount extends Schema.TaggedError<InvalidRefundAmount>()("InvalidRefundAmount", {
  order_id: Schema.String,
  amount: Schema.Number
}) {}

/** A refund reported for more than the order still has to give back (grand total minus refunded). */
export class RefundExceedsPaid extends Schema.TaggedError<RefundExceedsPaid>()("RefundExceedsPaid", {
  order_id: Schema.String,
  refund_amount: Schema.Number,
  refundable_amount: Schema.Number
}) {}

/** Every error the lifecycle can reject an event with. */
export type LifecycleError = IllegalTransition | OrderNotCancellable | InvalidRefundAmount | RefundExceedsPaid

/** No such order for this caller: another session's order is not told apart from none (SPEC §5). */
export class OrderNotFound extends Schema.TaggedError<OrderNotFound>()("OrderNotFound", {
  order_id: Schema.String
}) {}

/** A shopper asked for another session's orders (`GET /orders?session_id=`): compared, never looked up. */
export class OrdersForbidden extends Schema.TaggedError<OrdersForbidden>()("OrdersForbidden", {
  session_id: Schema.String
}) {}

/** The order kept changing under a command (it lost the optimistic race every time it tried). */
export class OrderChangedConcurrently extends Schema.TaggedError<OrderChangedConcurrently>()("OrderChangedConcurrently", {
  attempts: Schema.Number
}) {}
