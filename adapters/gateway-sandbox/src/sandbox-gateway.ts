/**
 * The sandbox payment gateway (SPEC §4.4): payment's PaymentGateway port with nothing outside the
 * shop. Card, Przelewy24 and PayU payments go to the sandbox's hosted page on the shop itself
 * (`/sandbox/checkout/{transaction_id}`, sandbox-routes.ts); BLIK declines the code `777777` and
 * otherwise answers "pending", and the sandbox bank confirms by itself shortly after (a background
 * fiber: sandbox-bank.ts). Webhooks are signed with the configured secret (`SANDBOX_WEBHOOK_SECRET`)
 * and verified here under Effect's Clock, so a test can check staleness by moving the clock. What it
 * started lives in the ledger (sandbox-ledger.ts) in the app's StateStore, so every instance of the
 * app answers for every payment, and a start repeated for one transaction answers as the first did.
 */
import { Clock, type Duration, Effect, FiberSet, Result, type Scope } from "effect"
import {
  GatewayDeclined,
  GatewayUnavailable,
  InvalidWebhook,
  type PaymentGatewayService,
  type RefundPayment,
  type StartedPayment,
  type StartPayment,
  type WebhookDelivery
} from "@kasa/payment"
import { StateStore, type StoreUnavailable, storedJsonDecoder } from "@kasa/shared"
import { confirmBlik, type SandboxBank } from "./sandbox-bank.ts"
import { SandboxEvent, transactionEventOf } from "./sandbox-event.ts"
import { makeSandboxLedger, type SandboxPayment } from "./sandbox-ledger.ts"
import { eventFor, refund, SANDBOX } from "./sandbox-outcomes.ts"
import { SIGNATURE_HEADER, signatureProblem } from "./sandbox-signature.ts"
import { type DeliverWebhook, httpDelivery } from "./sandbox-webhook.ts"

export interface SandboxGatewayOptions {
  /** Signs and verifies webhooks (`SANDBOX_WEBHOOK_SECRET`; `randomSandboxSecret()` in embedded mode). */
  readonly secret: string
  /** The StateStore the payment app uses: the ledger lives there. */
  readonly store: typeof StateStore.Service
  /** The shop's origin webhooks go to; default the page request's own origin (BLIK: the return URL's). */
  readonly shopOrigin?: string | undefined
  /** How a signed webhook reaches the shop; default `httpDelivery()` (POST with a timeout and retries). */
  readonly deliver?: DeliverWebhook | undefined
  /** How long the BLIK bank takes to confirm a pending payment; default 1 second. */
  readonly blikConfirmAfter?: Duration.Input | undefined
  /** Runs the BLIK bank's confirmation in the background; default a detached fiber. */
  readonly fork?: ((confirmation: Effect.Effect<void>) => Effect.Effect<unknown>) | undefined
}

/** The code the sandbox's BLIK declines (SPEC §4.4); every other six digits succeed. */
export const SANDBOX_DECLINED_BLIK_CODE = "777777"
export const BLIK_CODE_DECLINED = "blik_code_declined"

/** The sandbox's hosted page for a payment: a path on the shop itself. */
export const sandboxCheckoutPath = (transaction_id: string): string => `/sandbox/checkout/${encodeURIComponent(transaction_id)}`

export const sandboxBank = (options: SandboxGatewayOptions): SandboxBank => ({
  secret: options.secret,
  ledger: makeSandboxLedger(options.store),
  deliver: options.deliver ?? httpDelivery(),
  shopOrigin: options.shopOrigin
})

const unavailable = (operation: string) => (error: StoreUnavailable) => new GatewayUnavailable({ gateway: SANDBOX, operation, message: error.message })

const declined = (reason: string, error_code?: string) => new GatewayDeclined({ gateway: SANDBOX, reason, ...(error_code === undefined ? {} : { error_code }) })

const invalid = (reason: string) => new InvalidWebhook({ gateway: SANDBOX, reason })

/** What a start of `payment` answers, the first time and every time after. */
const answerOf = (payment: SandboxPayment): Effect.Effect<StartedPayment, GatewayDeclined> => {
  if (payment.method !== "blik") return Effect.succeed({ kind: "redirect", redirect_url: sandboxCheckoutPath(payment.transaction_id), gateway_reference: payment.reference })
  if (payment.status === "failed" && payment.reported?.reason === BLIK_CODE_DECLINED) return Effect.fail(declined(BLIK_CODE_DECLINED, payment.reported.error_code))
  return Effect.succeed({ kind: "pending", gateway_reference: payment.reference })
}

const REDIRECT_METHODS: ReadonlyArray<string> = ["card", "p24", "payu"]

/** The ledger entry a start records, or why the sandbox refuses it. The BLIK code itself is not kept. */
const paymentFor = (request: StartPayment, nowMs: number): Result.Result<SandboxPayment, GatewayDeclined> => {
  if (request.method_id !== "blik" && !REDIRECT_METHODS.includes(request.method_id)) return Result.fail(declined("method_not_supported"))
  if (request.method_id === "blik" && request.blik_code === undefined) return Result.fail(declined("blik_code_required"))
  const opened: SandboxPayment = {
    transaction_id: request.transaction_id,
    order_id: request.order_id,
    amount: request.amount_total,
    currency: request.currency,
    method: request.method_id,
    return_url: request.return_url,
    idempotency_key: request.idempotency_key,
    reference: `sbx_${request.transaction_id}`,
    status: "open",
    refunds: [],
    started_at: nowMs
  }
  if (request.method_id !== "blik") return Result.succeed(opened)
  if (request.blik_code === SANDBOX_DECLINED_BLIK_CODE) {
    return Result.succeed({ ...opened, status: "failed", reported: eventFor(opened, "payment.failed", nowMs, { reason: BLIK_CODE_DECLINED, error_code: "blik_declined" }) })
  }
  return Result.succeed({ ...opened, reported: eventFor(opened, "payment.pending", nowMs) })
}

const decodeEvent = storedJsonDecoder(SandboxEvent)

const headerOf = (delivery: WebhookDelivery, name: string): string | undefined =>
  delivery.headers[name] ?? Object.entries(delivery.headers).find(([key]) => key.toLowerCase() === name)?.[1]

export const makeSandboxGateway = (options: SandboxGatewayOptions): PaymentGatewayService => {
  const bank = sandboxBank(options)
  const { ledger } = bank
  const fork = options.fork ?? ((confirmation: Effect.Effect<void>) => Effect.forkDetach(confirmation))
  const confirmAfter = options.blikConfirmAfter ?? "1 second"

  const start = Effect.fn("SandboxGateway.start")(function* (request: StartPayment) {
    const known = yield* Effect.mapError(ledger.read(request.transaction_id), unavailable("start"))
    if (known !== undefined) return yield* answerOf(known)
    const payment = yield* Effect.fromResult(paymentFor(request, yield* Clock.currentTimeMillis))
    const recorded = yield* Effect.mapError(ledger.record(payment), unavailable("start"))
    if (recorded.created && recorded.payment.method === "blik" && recorded.payment.status === "open") {
      yield* fork(confirmBlik(bank, payment.transaction_id, confirmAfter))
    }
    return yield* answerOf(recorded.payment)
  })

  const verifyWebhook = Effect.fn("SandboxGateway.verifyWebhook")(function* (delivery: WebhookDelivery) {
    const now = yield* Clock.currentTimeMillis
    const problem = signatureProblem(options.secret, headerOf(delivery, SIGNATURE_HEADER), delivery.body, Math.floor(now / 1000))
    if (problem !== undefined) return yield* invalid(problem)
    const decoded = decodeEvent(delivery.body)
    if (Result.isFailure(decoded)) return yield* invalid(`unreadable body: ${decoded.failure}`)
    const event = transactionEventOf(decoded.success)
    if (Result.isFailure(event)) return yield* invalid(event.failure)
    return { gateway_event_id: decoded.success.id, event_type: decoded.success.type, transaction_id: decoded.success.transaction_id, event: event.success }
  })

  const refundPayment = Effect.fn("SandboxGateway.refund")(function* (request: RefundPayment) {
    const now = yield* Clock.currentTimeMillis
    yield* ledger.update(request.transaction_id, (payment) => refund(payment, request, now)).pipe(
      Effect.catchTag("SandboxPaymentNotFound", () => Effect.fail(declined("unknown_payment"))),
      Effect.catchTag("StoreUnavailable", (error) => Effect.fail(unavailable("refund")(error)))
    )
    return { kind: "refunded" } as const
  })

  const status = Effect.fn("SandboxGateway.status")(function* (transaction_id: string) {
    const payment = yield* Effect.mapError(ledger.read(transaction_id), unavailable("status"))
    if (payment?.reported === undefined) return undefined
    const event = transactionEventOf(payment.reported)
    return Result.isSuccess(event) ? event.success : undefined
  })

  return { id: SANDBOX, start, verifyWebhook, refund: refundPayment, status }
}

/**
 * The sandbox gateway over the StateStore in context, its BLIK confirmations running in the scope
 * (closing the scope, as an app's runtime does on shutdown, interrupts those still waiting).
 */
export const sandboxGateway = (options: Omit<SandboxGatewayOptions, "store" | "fork">): Effect.Effect<PaymentGatewayService, never, StateStore | Scope.Scope> =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const confirmations = yield* FiberSet.make<void, never>()
    return makeSandboxGateway({ ...options, store, fork: (confirmation) => FiberSet.run(confirmations, confirmation) })
  })
