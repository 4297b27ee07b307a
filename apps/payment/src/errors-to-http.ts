/**
 * Payment's one table from tagged errors to HTTP (SPEC §2, §4.4). Unknown ids are 404 (a method, a
 * transaction, an order's payment: another session's is not told apart from none); known things the
 * request may not have are 422 (a method the cart or shipping does not allow, a refund over what is
 * refundable, a BLIK code that is not six digits or a code for a payment that takes none); a state that
 * does not allow it is 409 (already paid, a refund while one is in flight); a webhook that is not the
 * gateway's is 400; a store that does not answer 503.
 */
import type {
  BlikCodeMismatch,
  GatewayNotFound,
  IllegalTransition,
  InvalidBlikCode,
  InvalidRefundAmount,
  InvalidWebhook,
  OrderAlreadyPaid,
  OrderPaymentNotFound,
  PaymentChangedConcurrently,
  PaymentMethodNotAvailable,
  PaymentMethodNotFound,
  RecordsUnavailable,
  RefundExceedsCaptured,
  RefundNotFound,
  TransactionNotFound
} from "@kasa/payment"
import { fieldAt, problemTable, row } from "@kasa/app-platform"

export type PaymentError =
  | BlikCodeMismatch
  | GatewayNotFound
  | IllegalTransition
  | InvalidBlikCode
  | InvalidRefundAmount
  | InvalidWebhook
  | OrderAlreadyPaid
  | OrderPaymentNotFound
  | PaymentChangedConcurrently
  | PaymentMethodNotAvailable
  | PaymentMethodNotFound
  | RecordsUnavailable
  | RefundExceedsCaptured
  | RefundNotFound
  | TransactionNotFound

export const paymentProblems = problemTable<PaymentError>()({
  PaymentMethodNotFound: row(404, "method_not_found", "No such payment method", (e) => ({
    detail: `there is no payment method ${e.method_id}`,
    errors: fieldAt("method_id", "no such payment method"),
    method_id: e.method_id
  })),
  PaymentMethodNotAvailable: row(422, "method_not_available", "The cart or its delivery does not allow this payment method", (e) => ({
    detail: `${e.method_id} is not available: ${e.reason}`,
    errors: fieldAt("method_id", `not available (${e.reason})`),
    method_id: e.method_id,
    reason: e.reason
  })),
  TransactionNotFound: row(404, "transaction_not_found", "No such transaction", (e) => ({ detail: `this session has no transaction ${e.transaction_id}`, transaction_id: e.transaction_id })),
  OrderPaymentNotFound: row(404, "order_payment_not_found", "No payment for this order", (e) => ({
    detail: `this session has no payment for order ${e.order_id} (yet: checkout starts it when it creates the order)`,
    errors: fieldAt("order_id", "no payment for this order"),
    order_id: e.order_id
  })),
  OrderAlreadyPaid: row(409, "order_already_paid", "The order is paid", (e) => ({ detail: `order ${e.order_id} was paid by ${e.transaction_id}`, order_id: e.order_id, transaction_id: e.transaction_id })),
  BlikCodeMismatch: row(422, "blik_code_mismatch", "The BLIK code does not fit this payment", (e) => ({ detail: e.reason, errors: fieldAt("blik_code", e.reason), order_id: e.order_id, method_id: e.method_id })),
  InvalidBlikCode: row(422, "invalid_blik_code", "A BLIK code is six digits", (e) => ({ detail: e.message, errors: fieldAt("blik_code", "expected exactly six digits") })),
  RefundExceedsCaptured: row(422, "refund_exceeds_captured", "The refund is more than is left to refund", (e) => ({
    detail: `${e.requested_amount} asked, ${e.refundable_amount} left to refund on ${e.transaction_id}`,
    errors: fieldAt("amount", `at most ${e.refundable_amount}`),
    requested_amount: e.requested_amount,
    refundable_amount: e.refundable_amount
  })),
  InvalidRefundAmount: row(422, "invalid_refund_amount", "A refund is a positive whole number of minor units", (e) => ({
    detail: `${e.amount} cannot be refunded`,
    errors: fieldAt("amount", "a positive whole number of minor units")
  })),
  IllegalTransition: row(409, "illegal_transition", "The payment's state does not allow this", (e) => ({
    detail: `transaction ${e.transaction_id} is ${e.from}: ${e.event} is not possible now`,
    transaction_id: e.transaction_id,
    state: e.from
  })),
  RefundNotFound: row(404, "refund_not_found", "No such refund", (e) => ({ detail: `transaction ${e.transaction_id} has no refund ${e.refund_id}` })),
  GatewayNotFound: row(404, "gateway_not_found", "No such payment gateway", (e) => ({ detail: `this shop takes no webhooks from ${e.gateway}`, gateway: e.gateway })),
  InvalidWebhook: row(400, "invalid_webhook", "The webhook is not the gateway's", (e) => ({ detail: e.reason, gateway: e.gateway })),
  PaymentChangedConcurrently: row(409, "payment_conflict", "The payment kept changing", (e) => ({ detail: `it changed under this request ${e.attempts} times; nothing was applied, try again` })),
  RecordsUnavailable: row(503, "payment_unavailable", "The payment records are not answering; try again shortly")
})

export const paymentProblem = paymentProblems.toProblem
