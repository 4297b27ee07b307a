/**
 * Every call to a gateway under the same discipline (SPEC §4.4): a timeout per attempt, retries with
 * exponential backoff on `GatewayUnavailable` only (a `GatewayDeclined` is an answer), and a circuit
 * breaker per gateway (the kernel's; only unavailability counts, a decline is an answer), so a gateway that keeps failing is not called while it cools
 * down and payments fail fast with `circuit_open` instead of piling up. The idempotency key every call
 * carries makes a retried call safe. Webhook verification is local and is passed through.
 */
import { Effect, Schedule } from "effect"
import { type BreakerPolicy, makeCircuitBreaker } from "@kasa/shared"
import { GatewayUnavailable, type PaymentGatewayService } from "./gateway.ts"

export interface GatewayPolicy {
  readonly timeoutMs: number
  /** Attempts after the first, on GatewayUnavailable. */
  readonly retries: number
  readonly backoffMs: number
  readonly breaker: BreakerPolicy
}

export const defaultGatewayPolicy: GatewayPolicy = { timeoutMs: 10_000, retries: 3, backoffMs: 100, breaker: { failureThreshold: 5, coolDownMs: 30_000 } }

/** `now`: the breaker's clock (the cool-down), a test's own where it needs one. */
export const resilientGateway = (gateway: PaymentGatewayService, policy: GatewayPolicy = defaultGatewayPolicy, now: () => number = Date.now): PaymentGatewayService => {
  const breaker = makeCircuitBreaker(policy.breaker, now)
  const guarded = <A, E>(operation: string, call: Effect.Effect<A, E>): Effect.Effect<A, E | GatewayUnavailable> => {
    const attempt = breaker.protect(
      call.pipe(
        Effect.timeoutOrElse({
          duration: policy.timeoutMs,
          orElse: () => Effect.fail(new GatewayUnavailable({ gateway: gateway.id, operation, message: `no answer within ${policy.timeoutMs} ms` }))
        })
      ),
      () => new GatewayUnavailable({ gateway: gateway.id, operation, message: "circuit_open: the gateway failed repeatedly; not calling it during the cool-down" }),
      // A decline is the gateway answering: it never opens the breaker.
      (error) => (error as { readonly _tag?: string })._tag === "GatewayUnavailable"
    )
    return attempt.pipe(
      Effect.retry({
        while: (error) => (error as { readonly _tag?: string })._tag === "GatewayUnavailable",
        times: policy.retries,
        schedule: Schedule.exponential(policy.backoffMs).pipe(Schedule.jittered)
      })
    )
  }
  return {
    id: gateway.id,
    start: (request) => guarded("start", gateway.start(request)),
    verifyWebhook: gateway.verifyWebhook,
    refund: (request) => guarded("refund", gateway.refund(request)),
    status: (transactionId) => guarded("status", gateway.status(transactionId))
  }
}
