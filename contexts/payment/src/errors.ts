/**
 * What can go wrong in payment's pure domain, as tagged errors in the error channel (ARCHITECTURE §3).
 * They speak the domain's language and carry the facts a client needs; the app maps each tag to an
 * HTTP status in one table (IllegalTransition 409, RefundExceedsCaptured / InvalidRefundAmount /
 * InvalidBlikCode / PaymentMethodNotAvailable 422, PaymentMethodNotFound / RefundNotFound 404), so no
 * status code lives in this context. No error carries a BLIK code or any other payment credential.
 */
import { Schema } from "effect"

/** The transaction's state machine (SPEC §4.4) does not take this event in this state. */
export class IllegalTransition extends Schema.TaggedError<IllegalTransition>()("IllegalTransition", {
  transaction_id: Schema.String,
  from: Schema.String,
  event: Schema.String
}) {}

/** A refund asked for more than is still refundable (captured minus already refunded). */
export class RefundExceedsCaptured extends Schema.TaggedError<RefundExceedsCaptured>()("RefundExceedsCaptured", {
  transaction_id: Schema.String,
  requested_amount: Schema.Number,
  refundable_amount: Schema.Number
}) {}

/** A refund amount that is not a positive whole number of minor units. */
export class InvalidRefundAmount extends Schema.TaggedError<InvalidRefundAmount>()("InvalidRefundAmount", {
  transaction_id: Schema.String,
  amount: Schema.Number
}) {}

/** A refund outcome names a refund this transaction never asked for. */
export class RefundNotFound extends Schema.TaggedError<RefundNotFound>()("RefundNotFound", {
  transaction_id: Schema.String,
  refund_id: Schema.String
}) {}

/** A BLIK code that is not exactly six digits (the code itself is never carried). */
export class InvalidBlikCode extends Schema.TaggedError<InvalidBlikCode>()("InvalidBlikCode", {
  message: Schema.String
}) {}

/** No payment method of this id exists at all. */
export class PaymentMethodNotFound extends Schema.TaggedError<PaymentMethodNotFound>()("PaymentMethodNotFound", {
  method_id: Schema.String
}) {}

/** The method exists but the session's cart and shipping do not allow it (reason: methods.ts's code). */
export class PaymentMethodNotAvailable extends Schema.TaggedError<PaymentMethodNotAvailable>()("PaymentMethodNotAvailable", {
  method_id: Schema.String,
  reason: Schema.String
}) {}

/** Every error the transaction state machine can reject an event with. */
export type TransitionError = IllegalTransition | RefundExceedsCaptured | InvalidRefundAmount | RefundNotFound

/** A command kept losing the race for the session or transaction it changes; nothing was applied. */
export class PaymentChangedConcurrently extends Schema.TaggedError<PaymentChangedConcurrently>()("PaymentChangedConcurrently", {
  attempts: Schema.Number
}) {}

/** No transaction with this id for this session (another session's is not told apart from none). */
export class TransactionNotFound extends Schema.TaggedError<TransactionNotFound>()("TransactionNotFound", {
  transaction_id: Schema.String
}) {}

/** No payment was started for this order (for this session), or not yet: checkout.order_created starts it. */
export class OrderPaymentNotFound extends Schema.TaggedError<OrderPaymentNotFound>()("OrderPaymentNotFound", {
  order_id: Schema.String
}) {}

/** The order is paid already: nothing to start again. */
export class OrderAlreadyPaid extends Schema.TaggedError<OrderAlreadyPaid>()("OrderAlreadyPaid", {
  order_id: Schema.String,
  transaction_id: Schema.String
}) {}

/** The order's payment takes no BLIK code (its method is not BLIK), or needs one and got none. */
export class BlikCodeMismatch extends Schema.TaggedError<BlikCodeMismatch>()("BlikCodeMismatch", {
  order_id: Schema.String,
  method_id: Schema.String,
  reason: Schema.String
}) {}

/** A webhook for a gateway this shop does not use. */
export class GatewayNotFound extends Schema.TaggedError<GatewayNotFound>()("GatewayNotFound", {
  gateway: Schema.String
}) {}
