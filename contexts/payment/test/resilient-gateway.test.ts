// The discipline every gateway call goes through: a transient failure is retried and then succeeds, a
// decline is an answer and is not retried, a gateway that never answers times out each attempt, and a
// gateway that keeps failing opens the breaker, so the next calls (any operation) fail fast with
// `circuit_open` without reaching it, until the cool-down lets a probe through whose success closes it.
import { describe, expect, test } from "bun:test"
import { Effect, type Result } from "effect"
import { GatewayDeclined, type GatewayPolicy, GatewayUnavailable, type PaymentGatewayService, resilientGateway } from "@kasa/payment"

type Outcome = "ok" | "unavailable" | "declined" | "silent"

/** A gateway that answers each call with the next scripted outcome (the last one repeats) and counts the calls that reached it. */
const scripted = (outcomes: ReadonlyArray<Outcome>) => {
  const calls: Array<string> = []
  const next = (operation: string): Effect.Effect<undefined, GatewayUnavailable | GatewayDeclined> => {
    const outcome = outcomes[Math.min(calls.length, outcomes.length - 1)]!
    calls.push(operation)
    switch (outcome) {
      case "ok":
        return Effect.succeed(undefined)
      case "unavailable":
        return Effect.fail(new GatewayUnavailable({ gateway: "sandbox", operation, message: "503" }))
      case "declined":
        return Effect.fail(new GatewayDeclined({ gateway: "sandbox", reason: "declined" }))
      case "silent":
        return Effect.never
    }
  }
  const gateway: PaymentGatewayService = {
    id: "sandbox",
    // Suspended: a retry runs the call again, and each run is one call that reached the gateway.
    start: () => Effect.suspend(() => Effect.as(next("start"), { kind: "redirect" as const, redirect_url: "/pay" })),
    verifyWebhook: () => Effect.die("not used"),
    refund: () => Effect.suspend(() => Effect.as(next("refund"), { kind: "refunded" as const })),
    status: () => Effect.die("not used")
  }
  return { gateway, calls }
}

const policy: GatewayPolicy = { timeoutMs: 30, retries: 2, backoffMs: 1, breaker: { failureThreshold: 3, coolDownMs: 60_000 } }
const start = (gateway: PaymentGatewayService) =>
  Effect.runPromise(
    Effect.result(gateway.start({ transaction_id: "t1", order_id: "o1", amount_total: 100, currency: "PLN", method_id: "card", return_url: "/r", idempotency_key: "k1" }))
  )
const refund = (gateway: PaymentGatewayService) =>
  Effect.runPromise(Effect.result(gateway.refund({ transaction_id: "t1", refund_id: "r1", amount: 100, currency: "PLN", gateway_reference: null, idempotency_key: "k2" })))
const failureOf = <A, E>(result: Result.Result<A, E>): E | undefined => (result._tag === "Failure" ? result.failure : undefined)

describe("resilientGateway", () => {
  test("a transient failure is retried and the call then succeeds", async () => {
    const fake = scripted(["unavailable", "unavailable", "ok"])
    expect((await start(resilientGateway(fake.gateway, policy)))._tag).toBe("Success")
    expect(fake.calls).toEqual(["start", "start", "start"])
  })

  test("a decline is an answer: not retried, and it does not count towards the breaker", async () => {
    const fake = scripted(["declined"])
    const gateway = resilientGateway(fake.gateway, policy)
    for (let i = 0; i < 5; i++) expect(failureOf(await start(gateway))?._tag).toBe("GatewayDeclined")
    expect(fake.calls).toHaveLength(5)
  })

  test("a gateway that never answers times out on every attempt", async () => {
    const fake = scripted(["silent"])
    const failure = failureOf(await start(resilientGateway(fake.gateway, { ...policy, breaker: { failureThreshold: 100, coolDownMs: 60_000 } })))
    expect(failure).toMatchObject({ _tag: "GatewayUnavailable", message: "no answer within 30 ms" })
    expect(fake.calls).toHaveLength(3)
  })

  test("repeated failures open the breaker: calls fail fast with circuit_open without reaching the gateway, until a probe after the cool-down succeeds", async () => {
    let now = 1_000_000
    const fake = scripted(["unavailable", "unavailable", "unavailable", "ok"])
    const gateway = resilientGateway(fake.gateway, policy, () => now)
    // Three attempts fail (the threshold): the breaker opens.
    expect(failureOf(await start(gateway))?._tag).toBe("GatewayUnavailable")
    expect(fake.calls).toHaveLength(3)
    // While open, neither this operation nor another reaches the gateway.
    const fast = failureOf(await start(gateway))
    expect(fast).toMatchObject({ _tag: "GatewayUnavailable" })
    expect((fast as GatewayUnavailable).message).toStartWith("circuit_open")
    expect((failureOf(await refund(gateway)) as GatewayUnavailable).message).toStartWith("circuit_open")
    expect(fake.calls).toHaveLength(3)
    // After the cool-down one probe goes out; it succeeds and the breaker closes.
    now += 60_000
    expect((await start(gateway))._tag).toBe("Success")
    expect((await refund(gateway))._tag).toBe("Success")
    expect(fake.calls).toEqual(["start", "start", "start", "start", "refund"])
  })
})
