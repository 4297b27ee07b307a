/**
 * A sandbox webhook for a payment's outcome, signed (sandbox-signature.ts), and its delivery to the
 * shop: `POST {shopOrigin}/payment/webhook/sandbox`, the path every gateway's webhook takes. Used by
 * the hosted page (the shopper's Pay / Fail / Cancel) and by the BLIK bank confirming by itself.
 * Delivery is a function (`DeliverWebhook`) so the embedded shop or a test can take the webhook
 * another way; the default posts it with fetch under a timeout, and a non-2xx answer is a failure.
 */
import { Effect, Schedule, Schema } from "effect"
import type { WebhookDelivery } from "@kasa/payment"
import type { SandboxEvent } from "./sandbox-event.ts"
import { SIGNATURE_HEADER, signatureHeader } from "./sandbox-signature.ts"

export const SANDBOX_WEBHOOK_PATH = "/payment/webhook/sandbox"

/** The webhook did not reach the shop, or the shop did not take it. */
export class SandboxWebhookNotDelivered extends Schema.TaggedError<SandboxWebhookNotDelivered>()("SandboxWebhookNotDelivered", {
  transaction_id: Schema.String,
  message: Schema.String
}) {}

/** The webhook for `event`, signed with `secret` at `nowSeconds`: the exact body and its headers (lower-case names). */
export const signedWebhook = (secret: string, event: SandboxEvent, nowSeconds: number): WebhookDelivery => {
  const body = JSON.stringify(event)
  return { body, headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signatureHeader(secret, nowSeconds, body) } }
}

/** Hands a signed webhook about `transaction_id` to the shop at `shopOrigin` (undefined: no origin is known). */
export type DeliverWebhook = (
  webhook: WebhookDelivery,
  target: { readonly transaction_id: string; readonly shopOrigin: string | undefined }
) => Effect.Effect<void, SandboxWebhookNotDelivered>

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** One POST of `webhook` to the shop's sandbox webhook path; interrupting it (the timeout does) aborts it. */
export const postWebhook = (shopOrigin: string, webhook: WebhookDelivery, transaction_id: string, timeoutMs: number): Effect.Effect<void, SandboxWebhookNotDelivered> => {
  const notDelivered = (message: string) => new SandboxWebhookNotDelivered({ transaction_id, message })
  return Effect.gen(function* () {
    const url = new URL(SANDBOX_WEBHOOK_PATH, shopOrigin)
    const response = yield* Effect.tryPromise({
      try: (signal) => fetch(url, { method: "POST", body: webhook.body, headers: webhook.headers, signal, redirect: "manual" }),
      catch: (error) => notDelivered(`POST ${url.href}: ${describe(error)}`)
    })
    yield* Effect.tryPromise(() => response.body?.cancel() ?? Promise.resolve()).pipe(Effect.ignore)
    if (response.status < 200 || response.status > 299) return yield* notDelivered(`POST ${url.href} answered ${response.status}`)
  }).pipe(Effect.timeoutOrElse({ duration: timeoutMs, orElse: () => Effect.fail(notDelivered(`no answer within ${timeoutMs} ms`)) }))
}

export interface HttpDeliveryOptions {
  /** Per attempt; default 5000. */
  readonly timeoutMs?: number
  /** Attempts after the first failed one (exponential backoff from 100 ms); default 2. */
  readonly retries?: number
}

/** The default delivery: POST over HTTP, a few attempts with backoff. */
export const httpDelivery =
  (options: HttpDeliveryOptions = {}): DeliverWebhook =>
  (webhook, target) =>
    target.shopOrigin === undefined
      ? Effect.fail(new SandboxWebhookNotDelivered({ transaction_id: target.transaction_id, message: "no shop origin to send the webhook to" }))
      : postWebhook(target.shopOrigin, webhook, target.transaction_id, options.timeoutMs ?? 5_000).pipe(
          Effect.retry({ schedule: Schedule.exponential("100 millis"), times: options.retries ?? 2 })
        )
