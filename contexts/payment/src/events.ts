/**
 * The events payment publishes on `payment-events` (SPEC §3.4), keyed by session: their names, payload
 * Schemas, the events as plain data (what the pure domain returns), and the functions that turn them
 * into envelopes and outbox entries. Every payload carries `session_id`. Beyond SPEC's fields:
 * `payment.refund_initiated` carries the `refund_id` its `payment.refunded` will name, and
 * `payment.refund_failed` is this context's addition to the catalogue (a gateway that turned a refund
 * down: without it an order waiting for its refund would never hear the outcome).
 */
import { Schema } from "effect"
import { envelopesFrom, type NamedEvent, outboxEventsOn, Topics } from "@kasa/shared"
import { CurrencyCode } from "@kasa/shared/money"

export const PAYMENT_PRODUCER = "payment"

export const PaymentEventName = {
  methodSelected: "payment.method_selected",
  initialized: "payment.initialized",
  pending: "payment.pending",
  succeeded: "payment.succeeded",
  failed: "payment.failed",
  cancelled: "payment.cancelled",
  refundInitiated: "payment.refund_initiated",
  refunded: "payment.refunded",
  refundFailed: "payment.refund_failed",
  webhookReceived: "payment.webhook_received",
  methodInvalidated: "payment.method_invalidated"
} as const
export type PaymentEventName = (typeof PaymentEventName)[keyof typeof PaymentEventName]

const Amount = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const Id = Schema.String.check(Schema.isNonEmpty())
const session = { session_id: Id }
const transaction = { ...session, transaction_id: Id, order_id: Id }

export const PaymentMethodSelected = Schema.Struct({ ...session, method_id: Id, method_name: Schema.String })
export type PaymentMethodSelected = typeof PaymentMethodSelected.Type

export const PaymentInitialized = Schema.Struct({
  ...transaction,
  method_id: Id,
  gateway: Id,
  amount_total: Amount,
  currency: CurrencyCode,
  /** The gateway's hosted page; absent for cash on delivery and for BLIK (confirmed in the bank's app). */
  redirect_url: Schema.optionalKey(Schema.String)
})
export type PaymentInitialized = typeof PaymentInitialized.Type

export const PaymentPending = Schema.Struct({ ...transaction })
export type PaymentPending = typeof PaymentPending.Type

export const PaymentSucceeded = Schema.Struct({ ...transaction, amount_total: Amount, currency: CurrencyCode, gateway_reference: Schema.String })
export type PaymentSucceeded = typeof PaymentSucceeded.Type

export const PaymentFailed = Schema.Struct({ ...transaction, reason: Schema.String, error_code: Schema.optionalKey(Schema.String) })
export type PaymentFailed = typeof PaymentFailed.Type

export const PaymentCancelled = Schema.Struct({ ...transaction, reason: Schema.String })
export type PaymentCancelled = typeof PaymentCancelled.Type

export const PaymentRefundInitiated = Schema.Struct({ ...transaction, refund_id: Id, refund_amount: Amount, reason: Schema.String })
export type PaymentRefundInitiated = typeof PaymentRefundInitiated.Type

export const PaymentRefunded = Schema.Struct({ ...transaction, refund_id: Id, refund_amount: Amount, fully_refunded: Schema.Boolean })
export type PaymentRefunded = typeof PaymentRefunded.Type

export const PaymentRefundFailed = Schema.Struct({ ...transaction, refund_id: Id, refund_amount: Amount, reason: Schema.String })
export type PaymentRefundFailed = typeof PaymentRefundFailed.Type

/** An audit record of a verified webhook: what arrived, never the raw body or any card data. */
export const PaymentWebhookReceived = Schema.Struct({
  ...session,
  gateway: Id,
  gateway_event_id: Id,
  event_type: Schema.String,
  transaction_id: Schema.optionalKey(Id)
})
export type PaymentWebhookReceived = typeof PaymentWebhookReceived.Type

export const PaymentMethodInvalidated = Schema.Struct({
  ...session,
  method_id: Id,
  /** methods.ts's reason codes (`shipping_method_not_allowed`, `grand_total_over_limit`, ...). */
  reason: Schema.String
})
export type PaymentMethodInvalidated = typeof PaymentMethodInvalidated.Type

/** Each event name with the Schema of its payload. */
export const PaymentEventPayloads = {
  [PaymentEventName.methodSelected]: PaymentMethodSelected,
  [PaymentEventName.initialized]: PaymentInitialized,
  [PaymentEventName.pending]: PaymentPending,
  [PaymentEventName.succeeded]: PaymentSucceeded,
  [PaymentEventName.failed]: PaymentFailed,
  [PaymentEventName.cancelled]: PaymentCancelled,
  [PaymentEventName.refundInitiated]: PaymentRefundInitiated,
  [PaymentEventName.refunded]: PaymentRefunded,
  [PaymentEventName.refundFailed]: PaymentRefundFailed,
  [PaymentEventName.webhookReceived]: PaymentWebhookReceived,
  [PaymentEventName.methodInvalidated]: PaymentMethodInvalidated
} as const
type Payloads = typeof PaymentEventPayloads

/** One payment event as data: its name and its payload (what the pure domain returns; the app envelopes it). */
export type PaymentEvent = NamedEvent<Payloads>

export type { EventContext } from "@kasa/shared"

/** One envelope per event, in order; aggregate (and key) = the payload's session. */
export const paymentEnvelopes = envelopesFrom<PaymentEvent>(PAYMENT_PRODUCER, (payload) => payload.session_id)

/** Envelopes as outbox entries on payment-events, keyed by their session. */
export const toOutboxEvents = outboxEventsOn(Topics.payment)
