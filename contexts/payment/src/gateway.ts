/**
 * The port every payment gateway is an adapter of (SPEC §4.4): the sandbox now, Stripe, Przelewy24
 * and PayU later. A gateway starts a payment (a page to send the shopper to, or, for BLIK, nothing to
 * show: the shopper confirms in their bank's app), tells what a webhook it signed says (after checking
 * the signature and its age), refunds, and answers what it knows of a payment (its status). Calls carry an
 * idempotency key, so a retried call never starts or refunds twice. The application wraps every call
 * in a timeout, retries on `GatewayUnavailable` and a circuit breaker; a `GatewayDeclined` is an
 * answer, not a fault, and is never retried.
 */
import { Context, type Effect, Schema } from "effect"
import type { BlikCode } from "./blik.ts"
import type { GatewayId } from "./methods.ts"
import type { TransactionEvent } from "./transition.ts"

/** The gateway could not be reached or answered with a fault: worth retrying. */
export class GatewayUnavailable extends Schema.TaggedError<GatewayUnavailable>()("GatewayUnavailable", {
  gateway: Schema.String,
  operation: Schema.String,
  message: Schema.String
}) {}

/** The gateway answered no (e.g. a declined BLIK code): final for this transaction. */
export class GatewayDeclined extends Schema.TaggedError<GatewayDeclined>()("GatewayDeclined", {
  gateway: Schema.String,
  reason: Schema.String,
  error_code: Schema.optionalKey(Schema.String)
}) {}

/** A webhook that is not the gateway's: a bad or missing signature, a stale timestamp, a body it cannot read. */
export class InvalidWebhook extends Schema.TaggedError<InvalidWebhook>()("InvalidWebhook", {
  gateway: Schema.String,
  reason: Schema.String
}) {}

export interface StartPayment {
  readonly transaction_id: string
  readonly order_id: string
  readonly amount_total: number
  readonly currency: string
  readonly method_id: string
  /** BLIK only: the shopper's six-digit code. */
  readonly blik_code?: BlikCode | undefined
  /** Where the gateway sends the shopper back when they are done. */
  readonly return_url: string
  /** The same key for every attempt of one transaction's start. */
  readonly idempotency_key: string
}

export type StartedPayment =
  /** The shopper pays on the gateway's page. */
  | { readonly kind: "redirect"; readonly redirect_url: string; readonly gateway_reference?: string | undefined }
  /** Nothing to show (BLIK): the outcome comes by webhook. */
  | { readonly kind: "pending"; readonly gateway_reference?: string | undefined }

/** A webhook as it arrived: the exact bytes of its body and its headers (lower-case names). */
export interface WebhookDelivery {
  readonly body: string
  readonly headers: Readonly<Record<string, string>>
}

/** What a verified webhook says: which payment, and what happened to it, as the state machine takes it. */
export interface GatewayNotification {
  /** Unique per gateway: the replay guard (SPEC §4.4 webhook receipts). */
  readonly gateway_event_id: string
  /** The gateway's own name for it, for the audit record (`payment.webhook_received`). */
  readonly event_type: string
  readonly transaction_id: string
  readonly event: TransactionEvent
}

export interface RefundPayment {
  readonly transaction_id: string
  readonly refund_id: string
  readonly amount: number
  readonly currency: string
  readonly gateway_reference: string | null
  readonly idempotency_key: string
}

/** A refund's answer now, or later by webhook (`refund_succeeded` / `refund_failed` with its refund_id). */
export type RefundAnswer = { readonly kind: "refunded" } | { readonly kind: "pending" }

export interface PaymentGatewayService {
  readonly id: GatewayId
  readonly start: (request: StartPayment) => Effect.Effect<StartedPayment, GatewayUnavailable | GatewayDeclined>
  readonly verifyWebhook: (delivery: WebhookDelivery) => Effect.Effect<GatewayNotification, InvalidWebhook>
  readonly refund: (request: RefundPayment) => Effect.Effect<RefundAnswer, GatewayUnavailable | GatewayDeclined>
  /** What the gateway knows of a payment now (for reconciling a missed webhook): its outcome so far, undefined while it has none. */
  readonly status: (transaction_id: string) => Effect.Effect<TransactionEvent | undefined, GatewayUnavailable>
}

/** The gateways this process can use, by id (the method → gateway map decides which one a payment takes). */
export class PaymentGateways extends Context.Service<PaymentGateways, ReadonlyMap<string, PaymentGatewayService>>()("@kasa/payment/PaymentGateways") {}
