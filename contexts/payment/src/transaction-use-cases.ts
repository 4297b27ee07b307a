/**
 * Payment's use cases on transactions (SPEC §4.4): starting an order's payment when checkout creates
 * the order, starting it again after a failure (a new transaction) or with a BLIK code, applying a
 * gateway's signed webhook once, a session's view of its own transaction, and refunds (by an admin, or
 * when a paid order is being cancelled: `order.cancellation_requested`). Each decides through the pure state machine and writes the
 * transaction's records, the events and (for a webhook) its receipt in one commit of the records'
 * store, so a replayed webhook or a redelivered event changes nothing twice.
 */
import { Clock, Effect, Result } from "effect"
import { type AtomicWrite, type CommandContext, continueTrace, currentTraceOrigin, type Envelope, retryOnConflict, type TraceOrigin } from "@kasa/shared"
import { type BlikCode, parseBlikCode } from "./blik.ts"
import { commitCounted } from "./commit.ts"
import { BlikCodeMismatch, GatewayNotFound, OrderAlreadyPaid, OrderPaymentNotFound, PaymentChangedConcurrently, TransactionNotFound } from "./errors.ts"
import { type EventContext, PaymentEventName, type PaymentEvent, paymentEnvelopes, toOutboxEvents } from "./events.ts"
import { type GatewayDeclined, type GatewayUnavailable, PaymentGateways, type PaymentGatewayService, type StartedPayment, type WebhookDelivery } from "./gateway.ts"
import { CASH_ON_DELIVERY } from "./methods.ts"
import { PaymentRecords } from "./ports.ts"
import { MAX_ATTEMPTS, PaymentSettings } from "./session-use-cases.ts"
import { initializeTransaction, type PaymentTransaction, refundableAmount, transactionOrigin } from "./transaction.ts"
import { transition, type TransactionEvent } from "./transition.ts"

/** What payment reads of `checkout.order_created`. */
export interface OrderToPay {
  readonly session_id: string
  readonly order_id: string
  readonly grand_total: number
  readonly currency: string
  readonly payment_method_id: string
}

/** The gateway that takes cash on delivery: nothing to call, the order proceeds unpaid. */
export const OFFLINE_GATEWAY = "offline"

/** A transaction's id: the order and its attempt, so a start that runs again asks the gateway for the same payment. */
export const transactionIdFor = (orderId: string, attempt: number): string => `txn_${orderId}_${attempt}`

const attemptOf = (tx: PaymentTransaction): number => Number(/_(\d+)$/.exec(tx.transaction_id)?.[1] ?? "1")

const now = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms))


/** The new state after `event`, and the events it adds (none for a replay or a rejected one). */
const step = (tx: PaymentTransaction, event: TransactionEvent, at: Date): { readonly tx: PaymentTransaction; readonly events: ReadonlyArray<PaymentEvent> } => {
  const moved = transition(tx, event, at)
  return Result.isSuccess(moved) && moved.success._tag === "Changed" ? { tx: moved.success.transaction, events: moved.success.events } : { tx, events: [] }
}

const newTransaction = (base: Omit<Parameters<typeof initializeTransaction>[0], "gateway">, gateway: string, at: Date) => {
  const created = initializeTransaction({ ...base, gateway }, at)
  return { tx: created.transaction, events: created.events }
}

const gatewayNamed = (id: string): Effect.Effect<PaymentGatewayService | undefined, never, PaymentGateways> => Effect.map(PaymentGateways, (gateways) => gateways.get(id))

/**
 * A new transaction for the order, started at its gateway: a page to pay on, pending (BLIK with a
 * code), waiting for a BLIK code, or failed at once when the gateway declines or cannot be reached
 * (the shopper may start again). Cash on delivery starts nothing. The transaction keeps `origin`.
 */
const started = (order: OrderToPay, attempt: number, blikCode: BlikCode | undefined, origin: TraceOrigin) =>
  Effect.gen(function* () {
    const settings = yield* PaymentSettings
    const at = yield* now
    const transaction_id = transactionIdFor(order.order_id, attempt)
    const method = order.payment_method_id
    const gatewayId = method === CASH_ON_DELIVERY ? OFFLINE_GATEWAY : (settings.gateways as Record<string, string>)[method]
    const ids = { transaction_id, order_id: order.order_id, session_id: order.session_id, method_id: method, amount_total: order.grand_total, currency: order.currency }
    const base = { ...ids, origin }
    const gateway = gatewayId === undefined || gatewayId === OFFLINE_GATEWAY ? undefined : yield* gatewayNamed(gatewayId)
    if (gatewayId === OFFLINE_GATEWAY) return newTransaction(base, OFFLINE_GATEWAY, at)
    if (gateway === undefined) {
      const created = newTransaction(base, gatewayId ?? "none", at)
      const failed = step(created.tx, { kind: "failed", reason: "no_gateway_for_method" }, at)
      return { tx: failed.tx, events: [...created.events, ...failed.events] }
    }
    // BLIK starts at the bank only with the shopper's code (POST /payment/initialize).
    if (method === "blik" && blikCode === undefined) return newTransaction(base, gateway.id, at)
    const answer: Result.Result<StartedPayment, GatewayDeclined | GatewayUnavailable> = yield* Effect.result(
      gateway.start({ ...ids, blik_code: blikCode, return_url: settings.returnUrl(order.order_id, transaction_id), idempotency_key: transaction_id })
    )
    if (Result.isFailure(answer)) {
      const created = initializeTransaction({ ...base, gateway: gateway.id }, at)
      const error = answer.failure
      const failed = step(
        created.transaction,
        error._tag === "GatewayDeclined" ? { kind: "failed", reason: error.reason, error_code: error.error_code } : { kind: "failed", reason: "gateway_unavailable", error_code: error.operation },
        at
      )
      return { tx: failed.tx, events: [...created.events, ...failed.events] }
    }
    const startedPayment = answer.success
    const created = initializeTransaction(
      {
        ...base,
        gateway: gateway.id,
        redirect_url: startedPayment.kind === "redirect" ? startedPayment.redirect_url : undefined,
        gateway_reference: startedPayment.gateway_reference
      },
      at
    )
    if (startedPayment.kind === "redirect") return { tx: created.transaction, events: created.events }
    const pending = step(created.transaction, { kind: "pending" }, at)
    return { tx: pending.tx, events: [...created.events, ...pending.events] }
  })

/**
 * The write for checkout.order_created: the order's first transaction, started; nothing if it has one
 * (a redelivery). Its span is in the checkout's trace (the consumer's span is the message's child), and
 * the transaction keeps it, with the checkout's correlation id, for its webhook.
 */
export const startOrderPayment = Effect.fn("Payment.startOrderPayment")(function* (order: OrderToPay, causedBy: Envelope) {
  const records = yield* PaymentRecords
  if ((yield* records.latestForOrder(order.order_id)) !== undefined) return undefined
  const { tx, events } = yield* started(order, 1, undefined, yield* currentTraceOrigin(causedBy.correlation_id))
  const at = yield* now
  const context: EventContext = { correlation_id: causedBy.correlation_id, occurred_at: at, caused_by: causedBy }
  return { records: records.created(tx, at.toISOString()), events: toOutboxEvents(paymentEnvelopes(events, context)) } satisfies AtomicWrite
})

/** What a shopper or a client is told of a transaction. */
export const transactionView = (tx: PaymentTransaction) => ({
  transaction_id: tx.transaction_id,
  order_id: tx.order_id,
  state: tx.state,
  method_id: tx.method_id,
  gateway: tx.gateway,
  amount_total: tx.amount_total,
  currency: tx.currency,
  redirect_url: tx.redirect_url,
  failure_reason: tx.failure_reason,
  refunded_amount: tx.refunded_amount
})

const ownTransaction = (sessionId: string, orderId: string) =>
  Effect.flatMap(PaymentRecords, (records) => records.latestForOrder(orderId)).pipe(
    Effect.flatMap((tx) => (tx === undefined || tx.session_id !== sessionId ? Effect.fail(new OrderPaymentNotFound({ order_id: orderId })) : Effect.succeed(tx)))
  )

/**
 * `POST /payment/initialize`: the order's payment as it stands (a page to pay on), started again after
 * a failure or cancellation (a new transaction: the old one never succeeds later), or started at the
 * bank with the shopper's BLIK code.
 */
export const initializePayment = Effect.fn("Payment.initialize")(function* (context: CommandContext, request: { readonly order_id: string; readonly blik_code?: string | undefined }) {
  return yield* Effect.gen(function* () {
    const records = yield* PaymentRecords
    const latest = yield* ownTransaction(context.session_id, request.order_id)
    const code = request.blik_code === undefined ? undefined : yield* Effect.fromResult(parseBlikCode(request.blik_code))
    if (code !== undefined && latest.method_id !== "blik")
      return yield* new BlikCodeMismatch({ order_id: request.order_id, method_id: latest.method_id, reason: "only a BLIK payment takes a BLIK code" })
    if (latest.captured_amount > 0 || latest.state === "succeeded") return yield* new OrderAlreadyPaid({ order_id: request.order_id, transaction_id: latest.transaction_id })
    const waitingForCode = latest.method_id === "blik" && latest.state === "initialized"
    if ((latest.state === "initialized" || latest.state === "pending") && !waitingForCode) return transactionView(latest)
    if (waitingForCode && code === undefined) return yield* new BlikCodeMismatch({ order_id: request.order_id, method_id: "blik", reason: "a BLIK payment needs the six-digit code" })
    const order: OrderToPay = { session_id: latest.session_id, order_id: latest.order_id, grand_total: latest.amount_total, currency: latest.currency, payment_method_id: latest.method_id }
    // A BLIK payment waiting for its code starts again as a new attempt too: the code goes to the bank with a fresh id.
    const next = yield* started(order, attemptOf(latest) + 1, code, yield* currentTraceOrigin(context.correlation_id))
    const at = yield* now
    // The one waiting for a code is cancelled, so a transaction never waits beside its successor.
    const retired = waitingForCode ? step(latest, { kind: "cancelled", reason: "replaced_by_a_new_attempt" }, at) : { tx: latest, events: [] }
    const envelopes = paymentEnvelopes([...retired.events, ...next.events], { correlation_id: context.correlation_id, occurred_at: at })
    yield* commitCounted({
      records: [...(retired.tx === latest ? [] : records.changed(latest, retired.tx, at.toISOString())), ...records.created(next.tx, at.toISOString())],
      events: toOutboxEvents(envelopes)
    })
    return transactionView(next.tx)
  }).pipe(retryOnConflict(MAX_ATTEMPTS, () => new PaymentChangedConcurrently({ attempts: MAX_ATTEMPTS })))
})

/** `GET /payment/status/{transaction_id}`: a session sees only its own. */
export const transactionStatus = Effect.fn("Payment.status")(function* (sessionId: string, transactionId: string) {
  const tx = yield* Effect.flatMap(PaymentRecords, (records) => records.transaction(transactionId))
  if (tx === undefined || tx.session_id !== sessionId) return yield* new TransactionNotFound({ transaction_id: transactionId })
  return transactionView(tx)
})

export type WebhookOutcome = { readonly status: "applied" | "unchanged" | "duplicate" | "ignored"; readonly transaction_id?: string; readonly state?: string }

/**
 * `POST /payment/webhook/{gateway}`: verified by its gateway (a bad one is InvalidWebhook, nothing
 * written), then recorded once by its event id with the audit event, and applied to its transaction
 * in the same commit. The same event again is a duplicate; one the transaction cannot take is
 * recorded and ignored, so the gateway stops sending it. The work on a known transaction continues the
 * trace that started it (its kept traceparent and correlation id: the checkout's), so what it publishes
 * (`payment.succeeded`, then checkout's completion) is part of the checkout's trace; the webhook's own
 * request stays a trace of its own, linked to it.
 */
export const receiveWebhook = Effect.fn("Payment.webhook")(function* (gatewayId: string, delivery: WebhookDelivery, correlationId: string) {
  const gateway = yield* gatewayNamed(gatewayId)
  if (gateway === undefined) return yield* new GatewayNotFound({ gateway: gatewayId })
  const notification = yield* gateway.verifyWebhook(delivery)
  return yield* Effect.gen(function* () {
    const records = yield* PaymentRecords
    if (yield* records.hasReceipt(gateway.id, notification.gateway_event_id)) return { status: "duplicate", transaction_id: notification.transaction_id } satisfies WebhookOutcome
    const at = yield* now
    const tx = yield* records.transaction(notification.transaction_id)
    const receipt = records.receipt({ gateway: gateway.id, gateway_event_id: notification.gateway_event_id, event_type: notification.event_type, transaction_id: notification.transaction_id }, at.toISOString())
    if (tx === undefined) {
      yield* commitCounted({ records: receipt })
      return { status: "ignored", transaction_id: notification.transaction_id } satisfies WebhookOutcome
    }
    const origin = transactionOrigin(tx, correlationId)
    return yield* Effect.gen(function* () {
      const audit: PaymentEvent = {
        name: PaymentEventName.webhookReceived,
        payload: { session_id: tx.session_id, gateway: gateway.id, gateway_event_id: notification.gateway_event_id, event_type: notification.event_type, transaction_id: tx.transaction_id }
      }
      const moved = transition(tx, notification.event, at)
      const changed = Result.isSuccess(moved) && moved.success._tag === "Changed" ? moved.success : undefined
      const envelopes = paymentEnvelopes([audit, ...(changed?.events ?? [])], { correlation_id: origin.correlation_id, occurred_at: at })
      yield* commitCounted({ records: [...receipt, ...(changed === undefined ? [] : records.changed(tx, changed.transaction, at.toISOString()))], events: toOutboxEvents(envelopes) })
      const state = changed?.transaction.state ?? tx.state
      return { status: changed !== undefined ? "applied" : Result.isSuccess(moved) ? "unchanged" : "ignored", transaction_id: tx.transaction_id, state } satisfies WebhookOutcome
    }).pipe(continueTrace("Payment.applyWebhook", origin, { "payment.transaction_id": tx.transaction_id, "payment.gateway": gateway.id }))
  }).pipe(
    // The same event committed by another delivery in the meantime: a duplicate, not a conflict.
    Effect.catchIf(
      (error) => error._tag === "WriteConflict" && error.key.startsWith("payment_webhook:"),
      () => Effect.succeed({ status: "duplicate", transaction_id: notification.transaction_id } satisfies WebhookOutcome)
    ),
    retryOnConflict(MAX_ATTEMPTS, () => new PaymentChangedConcurrently({ attempts: MAX_ATTEMPTS }))
  )
})

/**
 * A refund of `amount` (default: all that is still refundable) through the transaction's gateway, as
 * one write: `payment.refund_initiated`, then `payment.refunded` (or `payment.refund_failed`), or only
 * the first while the gateway answers later. The refund id is the transaction's next, so a refund that
 * runs again asks the gateway for the same refund.
 */
export const refundWrite = (tx: PaymentTransaction, request: { readonly amount?: number | undefined; readonly reason: string }, context: EventContext) =>
  Effect.gen(function* () {
    const records = yield* PaymentRecords
    const at = context.occurred_at
    const refund_id = `rf_${tx.transaction_id}_${tx.settled_refunds.length + 1}`
    const requested = yield* Effect.fromResult(transition(tx, { kind: "refund_requested", refund_id, amount: request.amount ?? refundableAmount(tx), reason: request.reason }, at))
    if (requested._tag === "Unchanged") return { tx, write: undefined }
    const gateway = yield* gatewayNamed(tx.gateway)
    const answer = gateway === undefined ? undefined : yield* Effect.result(gateway.refund({ transaction_id: tx.transaction_id, refund_id, amount: requested.transaction.refund_in_flight!.amount, currency: tx.currency, gateway_reference: tx.gateway_reference, idempotency_key: refund_id }))
    const settled =
      answer === undefined
        ? step(requested.transaction, { kind: "refund_failed", refund_id, reason: "no_gateway" }, at)
        : Result.isFailure(answer)
          ? step(requested.transaction, { kind: "refund_failed", refund_id, reason: answer.failure._tag === "GatewayDeclined" ? answer.failure.reason : "gateway_unavailable" }, at)
          : answer.success.kind === "refunded"
            ? step(requested.transaction, { kind: "refund_succeeded", refund_id }, at)
            : { tx: requested.transaction, events: [] }
    const write: AtomicWrite = { records: records.changed(tx, settled.tx, at.toISOString()), events: toOutboxEvents(paymentEnvelopes([...requested.events, ...settled.events], context)) }
    return { tx: settled.tx, write }
  })

/** `POST /payment/refunds` (admin). */
export const refundPayment = Effect.fn("Payment.refund")(function* (request: { readonly transaction_id: string; readonly amount?: number | undefined; readonly reason: string }, correlationId: string) {
  return yield* Effect.gen(function* () {
    const tx = yield* Effect.flatMap(PaymentRecords, (records) => records.transaction(request.transaction_id))
    if (tx === undefined) return yield* new TransactionNotFound({ transaction_id: request.transaction_id })
    const refunded = yield* refundWrite(tx, request, { correlation_id: correlationId, occurred_at: yield* now })
    if (refunded.write !== undefined) yield* commitCounted(refunded.write)
    return transactionView(refunded.tx)
  }).pipe(retryOnConflict(MAX_ATTEMPTS, () => new PaymentChangedConcurrently({ attempts: MAX_ATTEMPTS })))
})

/** What payment reads of `order.cancellation_requested`: the paid order's transaction and what is left to give back. */
export interface CancellationToRefund {
  readonly order_id: string
  readonly transaction_id: string
  readonly refund_amount: number
  readonly reason: string
}

/**
 * The write for `order.cancellation_requested` (a paid order being cancelled): its transaction refunds
 * `refund_amount` (at most what is still refundable); nothing when nothing is left or a refund is in
 * flight (a redelivery, or one already asked for).
 */
export const refundCancelledOrder = (request: CancellationToRefund, causedBy: Envelope) =>
  Effect.gen(function* () {
    const records = yield* PaymentRecords
    const tx = (yield* records.transaction(request.transaction_id)) ?? (yield* records.latestForOrder(request.order_id))
    if (tx === undefined || tx.order_id !== request.order_id) return undefined
    const refundable = refundableAmount(tx)
    if (refundable <= 0 || tx.refund_in_flight !== null) return undefined
    const context: EventContext = { correlation_id: causedBy.correlation_id, occurred_at: yield* now, caused_by: causedBy }
    return (yield* refundWrite(tx, { amount: Math.min(request.refund_amount, refundable), reason: request.reason }, context)).write
  })

/**
 * The write for `order.cancelled`: an unpaid order's transaction still waiting (initialized or pending)
 * is cancelled, so it never succeeds later; else nothing (a paid order's money goes back on
 * `order.cancellation_requested`).
 */
export const cancelOrderPayment = (orderId: string, causedBy: Envelope) =>
  Effect.gen(function* () {
    const records = yield* PaymentRecords
    const tx = yield* records.latestForOrder(orderId)
    if (tx === undefined || (tx.state !== "initialized" && tx.state !== "pending")) return undefined
    const at = yield* now
    const context: EventContext = { correlation_id: causedBy.correlation_id, occurred_at: at, caused_by: causedBy }
    const cancelled = step(tx, { kind: "cancelled", reason: "order_cancelled" }, at)
    return { records: records.changed(tx, cancelled.tx, at.toISOString()), events: toOutboxEvents(paymentEnvelopes(cancelled.events, context)) } satisfies AtomicWrite
  })
