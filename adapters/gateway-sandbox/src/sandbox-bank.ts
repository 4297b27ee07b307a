/**
 * The sandbox's bank: what settles a payment and tells the shop. Both the hosted page (the shopper
 * presses Pay, Fail or Cancel) and BLIK (the bank confirms by itself shortly after the code was
 * handed over) settle through here: the outcome is recorded in the ledger first, then its webhook is
 * signed and delivered. Recording first means a webhook that never arrives is not an outcome lost:
 * the gateway's `status` answers it, and the shop reconciles.
 */
import { Clock, type Duration, Effect } from "effect"
import type { StoreUnavailable } from "@kasa/shared"
import type { SandboxLedger, SandboxPayment, SandboxPaymentNotFound } from "./sandbox-ledger.ts"
import { type SandboxOutcome, type SandboxPaymentSettled, settle } from "./sandbox-outcomes.ts"
import { type DeliverWebhook, signedWebhook, type SandboxWebhookNotDelivered } from "./sandbox-webhook.ts"

/** What the gateway and its page share. */
export interface SandboxBank {
  readonly secret: string
  readonly ledger: SandboxLedger
  readonly deliver: DeliverWebhook
  /** Configured; else the page request's own origin, else (BLIK) the return URL's. */
  readonly shopOrigin: string | undefined
}

/** An absolute http(s) URL's origin; undefined for a relative path. */
export const originOf = (url: string): string | undefined => {
  if (!/^https?:\/\//i.test(url)) return undefined
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}

/** Signs `payment`'s last reported outcome now and delivers it. */
export const reportOutcome = (bank: SandboxBank, payment: SandboxPayment, requestOrigin?: string): Effect.Effect<void, SandboxWebhookNotDelivered> =>
  Effect.gen(function* () {
    if (payment.reported === undefined) return
    const now = yield* Clock.currentTimeMillis
    const webhook = signedWebhook(bank.secret, payment.reported, Math.floor(now / 1000))
    yield* bank.deliver(webhook, { transaction_id: payment.transaction_id, shopOrigin: bank.shopOrigin ?? requestOrigin ?? originOf(payment.return_url) })
  })

/** Settles the payment with `outcome`, then sends its webhook; answers the settled payment. */
export const settleAndReport = (
  bank: SandboxBank,
  transaction_id: string,
  outcome: SandboxOutcome,
  requestOrigin?: string
): Effect.Effect<SandboxPayment, SandboxPaymentSettled | SandboxPaymentNotFound | StoreUnavailable | SandboxWebhookNotDelivered> =>
  Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    const settled = yield* bank.ledger.update(transaction_id, (payment) => settle(payment, outcome, now))
    yield* reportOutcome(bank, settled, requestOrigin)
    return settled
  })

/**
 * The BLIK bank confirming a pending payment after `after`: settled as paid and reported. Runs in the
 * background: a payment the shopper settled some other way first is left as it is, and a webhook that
 * cannot be delivered is logged (the shop finds the outcome through `status`).
 */
export const confirmBlik = (bank: SandboxBank, transaction_id: string, after: Duration.Input): Effect.Effect<void> =>
  Effect.sleep(after).pipe(
    Effect.andThen(settleAndReport(bank, transaction_id, "succeed")),
    Effect.catchTag("SandboxPaymentSettled", () => Effect.void),
    Effect.catch((error) => Effect.logWarning("sandbox BLIK confirmation not delivered", error)),
    Effect.withSpan("SandboxBank.confirmBlik")
  )
