/**
 * The PaymentGateway contract: one framework-free suite every gateway adapter must pass (the sandbox
 * now; fakes of Stripe, Przelewy24 and PayU later). The harness opens a gateway as one process of the
 * shop would, and drives the gateway's own side (its hosted page, its bank) to an outcome, handing back
 * the webhook the gateway delivered, so each case checks the gateway as the shop meets it: starting a
 * payment (a redirect for a card, pending for BLIK, the declined BLIK code), idempotent starts, the
 * webhook of each outcome verifying to the state machine's event, every way a webhook is refused
 * (tampered, another account's secret, stale, unsigned), refunds within and over the paid amount, and
 * what `status` knows before and after. A test file registers each case with its runner.
 */
import { Clock, Effect, Result } from "effect"
import { type ContractCase, type OpenHarness, type Opened } from "@kasa/shared/testing/contract"
import { assert, assertEqual, AssertionFailed } from "@kasa/shared/testing/eventually"
import { type BlikCode, parseBlikCode } from "../blik.ts"
import type { GatewayNotification, PaymentGatewayService, RefundAnswer, StartedPayment, StartPayment, WebhookDelivery } from "../gateway.ts"

/** What the shopper does on the gateway's own page. */
export type GatewayOutcome = "succeed" | "fail" | "cancel"

/** One gateway as one process of the shop sees it; `run` runs its effects (`close` stops that process). */
export interface OpenedGateway extends Opened<never> {
  readonly gateway: PaymentGatewayService
  /** The shopper ends a started (redirect) payment on the gateway's page; the webhook the gateway then delivered to the shop. */
  readonly complete: (started: StartedPayment, transaction_id: string, outcome: GatewayOutcome) => Promise<WebhookDelivery>
  /** The webhook the gateway delivers by itself about `transaction_id` (BLIK's bank confirming), waited for with the harness's deadline. */
  readonly delivered: (transaction_id: string) => Promise<WebhookDelivery>
}

/**
 * Opens a gateway over `space`: opens of one space share their payments and their webhook secret (the
 * instances of one shop); another space is another account, with another secret.
 */
export interface GatewayHarness extends OpenHarness<never> {
  readonly open: (space: string) => Promise<OpenedGateway>
  /** Deadline for conditions (a webhook the gateway delivers by itself). */
  readonly timeoutMs: number
}

export type GatewayContractCase = ContractCase<GatewayHarness>

const AMOUNT = 123_456
const CURRENCY = "PLN"

const withGateway = async <A>(h: GatewayHarness, space: string, body: (g: OpenedGateway) => Promise<A>): Promise<A> => {
  const g = await h.open(space)
  try {
    return await body(g)
  } finally {
    await g.close()
  }
}

/** A start request for a fresh transaction (a card payment of 1 234,56 zł unless overridden). */
export const startRequest = (h: GatewayHarness, overrides: Partial<StartPayment> = {}): StartPayment => {
  const transaction_id = overrides.transaction_id ?? h.name("txn")
  return {
    transaction_id,
    order_id: h.name("ord"),
    amount_total: AMOUNT,
    currency: CURRENCY,
    method_id: "card",
    return_url: `https://shop.example/checkout/return/${transaction_id}`,
    idempotency_key: `start:${transaction_id}`,
    ...overrides
  }
}

const blik = (code: string): BlikCode => Result.getOrThrow(parseBlikCode(code))

type Tagged = { readonly _tag: string }

/** The effect's failure, failing the case when it succeeds. */
const failureOf = async <A, E extends Tagged>(g: OpenedGateway, effect: Effect.Effect<A, E>, what: string): Promise<E> => {
  const result = await g.run(Effect.result(effect))
  if (Result.isSuccess(result)) throw new AssertionFailed(`${what}: expected a failure, got ${JSON.stringify(result.success)}`)
  return result.failure
}

/** A Clock `offsetMs` away from now (sleeping stays live): a signature seen minutes later without waiting. */
const clockAhead = (offsetMs: number): Clock.Clock => {
  const live = Clock.Clock.defaultValue()
  return {
    ...live,
    currentTimeMillisUnsafe: () => live.currentTimeMillisUnsafe() + offsetMs,
    currentTimeMillis: Effect.sync(() => live.currentTimeMillisUnsafe() + offsetMs),
    currentTimeNanosUnsafe: () => live.currentTimeNanosUnsafe() + BigInt(offsetMs) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => live.currentTimeNanosUnsafe() + BigInt(offsetMs) * 1_000_000n),
    monotonicTimeNanosUnsafe: () => live.monotonicTimeNanosUnsafe(),
    monotonicTimeNanos: live.monotonicTimeNanos,
    sleep: (duration) => live.sleep(duration)
  }
}

const verifyAt = <A, E>(effect: Effect.Effect<A, E>, offsetMs: number) => Effect.provideService(effect, Clock.Clock, clockAhead(offsetMs))

const MINUTE = 60_000

/** Starts a card payment and ends it on the gateway's page with `outcome`: the request, the start's answer and the webhook. */
const settledThrough = async (h: GatewayHarness, g: OpenedGateway, outcome: GatewayOutcome, overrides: Partial<StartPayment> = {}) => {
  const request = startRequest(h, overrides)
  const started = await g.run(g.gateway.start(request))
  const webhook = await g.complete(started, request.transaction_id, outcome)
  return { request, started, webhook }
}

const refundOf = (request: StartPayment, refund_id: string, amount: number, gateway_reference: string | null = null) => ({
  transaction_id: request.transaction_id,
  refund_id,
  amount,
  currency: request.currency,
  gateway_reference,
  idempotency_key: `refund:${refund_id}`
})

const assertRefundAnswer = (answer: RefundAnswer, what: string): void =>
  assert(answer.kind === "refunded" || answer.kind === "pending", `${what}: a refund is answered refunded or pending, got ${JSON.stringify(answer)}`)

const assertSucceeded = (n: GatewayNotification, request: StartPayment, started: StartedPayment): void => {
  assertEqual(n.transaction_id, request.transaction_id, "the notification names the transaction")
  assert(n.gateway_event_id.length > 0 && n.event_type.length > 0, `an event id and type, got ${JSON.stringify(n)}`)
  if (n.event.kind !== "succeeded") throw new AssertionFailed(`expected succeeded, got ${JSON.stringify(n.event)}`)
  assertEqual({ amount: n.event.amount, currency: n.event.currency }, { amount: request.amount_total, currency: request.currency }, "the amount and currency paid")
  assert(n.event.gateway_reference.length > 0, "a success names the gateway's reference")
  if (started.gateway_reference !== undefined) assertEqual(n.event.gateway_reference, started.gateway_reference, "the reference the start answered")
}

export const gatewayContract: ReadonlyArray<GatewayContractCase> = [
  {
    name: "a card payment starts with a redirect to the gateway's page",
    run: (h) =>
      withGateway(h, h.name("shop"), async (g) => {
        const started = await g.run(g.gateway.start(startRequest(h)))
        if (started.kind !== "redirect") throw new AssertionFailed(`expected a redirect, got ${JSON.stringify(started)}`)
        assert(started.redirect_url.length > 0, "a redirect URL")
      })
  },
  {
    name: "a BLIK payment with a good code starts pending, and the bank's own webhook verifies to succeeded",
    run: (h) =>
      withGateway(h, h.name("shop"), async (g) => {
        const request = startRequest(h, { method_id: "blik", blik_code: blik("123456") })
        const started = await g.run(g.gateway.start(request))
        assertEqual(started.kind, "pending", "BLIK has nothing to show")
        const webhook = await g.delivered(request.transaction_id)
        assertSucceeded(await g.run(g.gateway.verifyWebhook(webhook)), request, started)
      })
  },
  {
    name: "BLIK code 777777 is declined",
    run: (h) =>
      withGateway(h, h.name("shop"), async (g) => {
        const request = startRequest(h, { method_id: "blik", blik_code: blik("777777") })
        const failure = await failureOf(g, g.gateway.start(request), "start with 777777")
        assertEqual(failure._tag, "GatewayDeclined", "declined, not unavailable")
        assertEqual((await failureOf(g, g.gateway.start(request), "the same start again"))._tag, "GatewayDeclined", "declined again")
      })
  },
  {
    name: "a BLIK code that is not six digits is the domain's to refuse: it never reaches the gateway",
    run: (h) =>
      withGateway(h, h.name("shop"), async (g) => {
        for (const code of ["12345", "1234567", "12 456", "12-456", "abcdef", "１２３４５６", ""]) {
          const parsed = parseBlikCode(code)
          assert(Result.isFailure(parsed) && parsed.failure._tag === "InvalidBlikCode", `${JSON.stringify(code)} is refused as InvalidBlikCode`)
        }
        assertEqual(await g.run(g.gateway.status(h.name("txn"))), undefined, "the gateway knows nothing of a payment never started")
      })
  },
  {
    name: "the same idempotency key twice is one payment, on any instance of the shop",
    run: async (h) => {
      const space = h.name("shop")
      const request = startRequest(h)
      await withGateway(h, space, (a) =>
        withGateway(h, space, async (b) => {
          const first = await a.run(a.gateway.start(request))
          assertEqual(await a.run(a.gateway.start(request)), first, "the same answer again")
          assertEqual(await b.run(b.gateway.start(request)), first, "the same answer from another instance")
          const webhook = await a.complete(first, request.transaction_id, "succeed")
          assertSucceeded(await b.run(b.gateway.verifyWebhook(webhook)), request, first)
          assertEqual(await b.run(b.gateway.start(request)), first, "a start repeated after payment answers as the first")
          const status = await b.run(b.gateway.status(request.transaction_id))
          assertEqual(status?.kind, "succeeded", "the one payment is paid")
        })
      )
    }
  },
  {
    name: "a paid payment's webhook verifies to succeeded with the amount, currency and reference; verifying it again names the same event",
    run: (h) =>
      withGateway(h, h.name("shop"), async (g) => {
        const { request, started, webhook } = await settledThrough(h, g, "succeed")
        const n = await g.run(g.gateway.verifyWebhook(webhook))
        assertSucceeded(n, request, started)
        assertEqual((await g.run(g.gateway.verifyWebhook(webhook))).gateway_event_id, n.gateway_event_id, "a replay carries the same event id")
      })
  },
  ...(
    [
      ["fail", "failed"],
      ["cancel", "cancelled"]
    ] as const
  ).map(
    ([outcome, kind]): GatewayContractCase => ({
      name: `a ${kind} payment's webhook verifies to ${kind} with a reason`,
      run: (h) =>
        withGateway(h, h.name("shop"), async (g) => {
          const { request, webhook } = await settledThrough(h, g, outcome)
          const n = await g.run(g.gateway.verifyWebhook(webhook))
          assertEqual(n.transaction_id, request.transaction_id, "the transaction")
          if (n.event.kind !== kind) throw new AssertionFailed(`expected ${kind}, got ${JSON.stringify(n.event)}`)
          assert(n.event.reason.length > 0, `a ${kind} payment has a reason`)
        })
    })
  ),
  {
    name: "a webhook whose body was changed after signing is refused",
    run: (h) =>
      withGateway(h, h.name("shop"), async (g) => {
        const { webhook } = await settledThrough(h, g, "succeed")
        const richer = webhook.body.replace(String(AMOUNT), String(AMOUNT * 10))
        for (const body of [richer, `${webhook.body} `]) {
          assert(body !== webhook.body, "the body was changed")
          const failure = await failureOf(g, g.gateway.verifyWebhook({ ...webhook, body }), "a tampered body")
          assertEqual(failure._tag, "InvalidWebhook", "refused")
        }
      })
  },
  {
    name: "a webhook signed with another account's secret is refused",
    run: (h) =>
      withGateway(h, h.name("shop"), (ours) =>
        withGateway(h, h.name("other-shop"), async (theirs) => {
          const { webhook } = await settledThrough(h, theirs, "succeed")
          assertEqual((await failureOf(ours, ours.gateway.verifyWebhook(webhook), "another secret's webhook"))._tag, "InvalidWebhook", "refused")
        })
      )
  },
  {
    name: "a signature more than five minutes old, or as far in the future, is refused; within five minutes it is taken",
    run: (h) =>
      withGateway(h, h.name("shop"), async (g) => {
        const { webhook } = await settledThrough(h, g, "succeed")
        const verify = g.gateway.verifyWebhook(webhook)
        assertEqual((await failureOf(g, verifyAt(verify, 6 * MINUTE), "six minutes later"))._tag, "InvalidWebhook", "stale")
        assertEqual((await failureOf(g, verifyAt(verify, -6 * MINUTE), "six minutes before it was signed"))._tag, "InvalidWebhook", "from the future")
        assertEqual((await g.run(verifyAt(verify, 4 * MINUTE))).event.kind, "succeeded", "four minutes later it is still fresh")
      })
  },
  {
    name: "a webhook without its signature header, or with a malformed one, is refused",
    run: (h) =>
      withGateway(h, h.name("shop"), async (g) => {
        const { webhook } = await settledThrough(h, g, "succeed")
        const unsigned = { body: webhook.body, headers: { "content-type": "application/json" } }
        assertEqual((await failureOf(g, g.gateway.verifyWebhook(unsigned), "no signature header"))._tag, "InvalidWebhook", "unsigned")
        const garbled = { body: webhook.body, headers: Object.fromEntries(Object.entries(webhook.headers).map(([k, v]) => [k, k === "content-type" ? v : "garbage"])) }
        assertEqual((await failureOf(g, g.gateway.verifyWebhook(garbled), "a malformed signature header"))._tag, "InvalidWebhook", "malformed")
      })
  },
  {
    name: "a paid payment is refunded in full; the same refund again is answered again; nothing more is refundable",
    run: (h) =>
      withGateway(h, h.name("shop"), async (g) => {
        const { request } = await settledThrough(h, g, "succeed")
        const full = refundOf(request, h.name("rf"), AMOUNT)
        const answer = await g.run(g.gateway.refund(full))
        assertRefundAnswer(answer, "a full refund")
        assertEqual(await g.run(g.gateway.refund(full)), answer, "the same refund again")
        const more = await failureOf(g, g.gateway.refund(refundOf(request, h.name("rf"), 1)), "a refund after a full refund")
        assertEqual(more._tag, "GatewayDeclined", "nothing left to refund")
      })
  },
  {
    name: "a paid payment is refunded in parts up to the amount paid, and no further",
    run: (h) =>
      withGateway(h, h.name("shop"), async (g) => {
        const { request } = await settledThrough(h, g, "succeed")
        assertRefundAnswer(await g.run(g.gateway.refund(refundOf(request, h.name("rf"), 23_456))), "the first part")
        const over = await failureOf(g, g.gateway.refund(refundOf(request, h.name("rf"), 100_001)), "a part over what is left")
        assertEqual(over._tag, "GatewayDeclined", "over what is left")
        assertRefundAnswer(await g.run(g.gateway.refund(refundOf(request, h.name("rf"), 100_000))), "the rest")
      })
  },
  {
    name: "a refund over the paid amount, or of a payment not paid, is declined",
    run: (h) =>
      withGateway(h, h.name("shop"), async (g) => {
        const { request } = await settledThrough(h, g, "succeed")
        assertEqual((await failureOf(g, g.gateway.refund(refundOf(request, h.name("rf"), AMOUNT + 1)), "over the paid amount"))._tag, "GatewayDeclined", "over")
        const failed = await settledThrough(h, g, "fail")
        assertEqual((await failureOf(g, g.gateway.refund(refundOf(failed.request, h.name("rf"), 1)), "a failed payment"))._tag, "GatewayDeclined", "not paid")
        const open = startRequest(h)
        await g.run(g.gateway.start(open))
        assertEqual((await failureOf(g, g.gateway.refund(refundOf(open, h.name("rf"), 1)), "a payment not paid yet"))._tag, "GatewayDeclined", "not paid yet")
      })
  },
  {
    name: "status knows nothing before a start, no outcome before the shopper acts, then the outcome",
    run: (h) =>
      withGateway(h, h.name("shop"), async (g) => {
        const request = startRequest(h)
        assertEqual(await g.run(g.gateway.status(request.transaction_id)), undefined, "before the start")
        const started = await g.run(g.gateway.start(request))
        const before = await g.run(g.gateway.status(request.transaction_id))
        assert(before === undefined || before.kind === "pending", `before the shopper acts: nothing or pending, got ${JSON.stringify(before)}`)
        await g.complete(started, request.transaction_id, "succeed")
        const after = await g.run(g.gateway.status(request.transaction_id))
        if (after?.kind !== "succeeded") throw new AssertionFailed(`after payment: expected succeeded, got ${JSON.stringify(after)}`)
        assertEqual({ amount: after.amount, currency: after.currency }, { amount: AMOUNT, currency: CURRENCY }, "what was paid")
        const failed = await settledThrough(h, g, "fail")
        assertEqual((await g.run(g.gateway.status(failed.request.transaction_id)))?.kind, "failed", "a failed payment's status")
      })
  }
]
