// Checkout's use cases over the in-memory store, with test doubles for its other ports (stock that
// counts units and replays by order id, a code check that says what the test sets): the consumer's
// writes (projection, remembered ids, totals_updated and completed in the same write), the shopper's
// data and consents, finalize (missing list, expected_total, a refused code, short stock, the stable
// order id across retries, the Idempotency-Key answer), the retry window's sweep, and the summary's
// wait for an event id.
import { afterAll, describe, expect, test } from "bun:test"
import { Clock, Effect, Layer, ManagedRuntime, Schema } from "effect"
import { layerMemoryStateStore, MemoryStateData } from "@kasa/adapter-memory"
import {
  AppliedCodeCheck,
  type AppliedCodeVerdict,
  CheckoutEventPayloads,
  checkoutConsumer,
  checkoutSessionKey,
  CheckoutSettings,
  DEFAULT_FINALIZE_POLICY,
  expirePaymentRetries,
  finalizeCheckout,
  getSummary,
  makeMemoryRetryDeadlines,
  makeSummaryNotifier,
  OrderStock,
  OutOfStock,
  PaymentRetryDeadlines,
  type ProjectedEvent,
  ReservationGone,
  reservationTtlSeconds,
  setConsents,
  setCustomerData,
  type StockRequest,
  SummaryNotifier,
  waitForSummary
} from "@kasa/checkout"
import { type AtomicWrite, type CommandContext, type Envelope, IgnoredEvent, layerAnsweringStore, makeEnvelope, newSessionId, StateStore, textDigest, Topics } from "@kasa/shared"
import { runAnswered } from "@kasa/shared/testing/answered"
import { ADDRESS, cart, code, method, readyEvents, washer } from "./fixtures.ts"

const WINDOW_SECONDS = 60
const data = new MemoryStateData()

/** Stock of every offer the tests order, reserved all or nothing, replayed by order id. */
const stock = new Map<string, number>()
const reservations = new Map<string, StockRequest>()
const reserveCalls: Array<StockRequest> = []
const released: Array<string> = []
/** Reservations that ran out (released by the catalog's expiry): their order ids cannot reserve again. */
const gone = new Set<string>()
const fakeStock = OrderStock.of({
  reserve: (request) =>
    Effect.suspend((): Effect.Effect<void, OutOfStock | ReservationGone> => {
      reserveCalls.push(request)
      if (gone.has(request.order_id)) return Effect.fail(new ReservationGone({ order_id: request.order_id }))
      if (reservations.has(request.order_id)) return Effect.void
      const short = request.lines.filter((l) => (stock.get(l.offer_id) ?? 0) < l.quantity)
      if (short.length > 0) return Effect.fail(new OutOfStock({ lines: short.map((l) => ({ offer_id: l.offer_id, requested: l.quantity, available: stock.get(l.offer_id) ?? 0 })) }))
      for (const l of request.lines) stock.set(l.offer_id, stock.get(l.offer_id)! - l.quantity)
      reservations.set(request.order_id, request)
      return Effect.void
    }),
  release: (orderId) =>
    Effect.sync(() => {
      const held = reservations.get(orderId)
      if (held === undefined) return
      released.push(orderId)
      reservations.delete(orderId)
      for (const l of held.lines) stock.set(l.offer_id, stock.get(l.offer_id)! + l.quantity)
    })
})
let verdict: AppliedCodeVerdict = { ok: true }
const deadlines = makeMemoryRetryDeadlines()
const notifier = makeSummaryNotifier()

const ports = Layer.mergeAll(
  Layer.succeed(OrderStock, fakeStock),
  Layer.succeed(AppliedCodeCheck, AppliedCodeCheck.of({ check: () => Effect.sync(() => verdict) })),
  Layer.succeed(PaymentRetryDeadlines, deadlines),
  Layer.succeed(SummaryNotifier, notifier),
  Layer.succeed(CheckoutSettings, { paymentRetryWindowSeconds: WINDOW_SECONDS, finalizePolicy: DEFAULT_FINALIZE_POLICY })
)
const runtime = ManagedRuntime.make(Layer.provideMerge(ports, Layer.provideMerge(layerAnsweringStore, layerMemoryStateStore(data))))
afterAll(() => runtime.dispose())

type Services = OrderStock | AppliedCodeCheck | PaymentRetryDeadlines | SummaryNotifier | StateStore
const run = <A, E>(effect: Effect.Effect<A, E, Services>) => runtime.runPromise(effect)
const failure = <A, E>(effect: Effect.Effect<A, E, Services>) => runtime.runPromise(Effect.flip(effect)) as Promise<E & { readonly _tag: string }>

/** `effect` with the clock standing at `ms`. */
const at =
  (ms: number) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.flatMap(Clock.clockWith(Effect.succeed), (clock) =>
      Effect.provideService(effect, Clock.Clock, Object.assign(Object.create(clock) as Clock.Clock, { currentTimeMillisUnsafe: () => ms, currentTimeMillis: Effect.succeed(ms) }))
    )

const context = (session_id: string): CommandContext => ({ session_id, correlation_id: "corr_checkout_app" })

const outboxOf = (sessionId: string) => data.outbox.filter((entry) => entry.event.key === sessionId).map((entry) => entry.event)
const eventsOf = (sessionId: string) => outboxOf(sessionId).map((e) => e.envelope)
const storedSession = (sessionId: string) => run(Effect.flatMap(StateStore, (store) => store.get(checkoutSessionKey(sessionId))))

const handler = checkoutConsumer().handler
const TOPIC_OF: Record<string, string> = { cart: Topics.cart, shipping: Topics.shipping, promotion: Topics.promotion, payment: Topics.payment, services: Topics.services, inventory: Topics.inventory }

/** One event as the consumer runtime would handle it: the handler decides, its write is committed with the marker. */
const consume = (sessionId: string, event: { readonly name: string; readonly payload: Record<string, unknown> }, occurredAt?: Date) =>
  run(
    Effect.gen(function* () {
      const envelope = makeEnvelope({
        eventName: event.name,
        aggregateId: sessionId,
        correlationId: "corr_consumed",
        producer: "test",
        payload: { ...event.payload, session_id: sessionId },
        ...(occurredAt === undefined ? {} : { occurredAt })
      })
      const write = yield* handler({ envelope, group: "checkout-consumer", topic: TOPIC_OF[event.name.split(".")[0]!]!, partition: 0, offset: 0 })
      const store = yield* StateStore
      if (typeof write === "object" && write !== undefined) yield* store.commit({ ...(write as AtomicWrite), processed: [{ group: "checkout-consumer", eventId: envelope.event_id }] })
      return { envelope, write: write as AtomicWrite | undefined }
    })
  )

const consumeAll = async (sessionId: string, events: ReadonlyArray<ProjectedEvent>) => {
  for (const event of events) await consume(sessionId, event as never)
}

const CUSTOMER = { email: "anna@example.com", first_name: "Anna", last_name: "Nowak" }
const CONSENTS = { terms_accepted: true, privacy_accepted: true }

/** A session ready to finalize: the cart (one washer, 1 unit in stock per order), shipping, payment, data, consents. */
const readySession = async () => {
  const sessionId = newSessionId()
  stock.set(washer.offer_id, (stock.get(washer.offer_id) ?? 0) + 1)
  await consumeAll(sessionId, readyEvents)
  await run(setCustomerData(context(sessionId), CUSTOMER))
  await run(setConsents(context(sessionId), CONSENTS))
  return sessionId
}

describe("the checkout-consumer", () => {
  test("applies each event, remembers its id, and publishes totals_updated in the same write when the totals change", async () => {
    const sessionId = newSessionId()
    const { envelope, write } = await consume(sessionId, cart(1, [washer]) as never)
    expect(write?.expect).toEqual([{ key: checkoutSessionKey(sessionId), value: undefined }])
    const summary = await run(getSummary(sessionId))
    expect(summary.cart_total).toBe(200_000)
    expect(summary.grand_total).toBe(200_000)
    const events = eventsOf(sessionId)
    // The consumed event's id, and that of checkout's own event the same write applied, as their digests.
    expect(JSON.parse((await storedSession(sessionId))!).applied_event_ids).toEqual([textDigest(envelope.event_id), textDigest(events[0]!.event_id)])
    expect(events.map((e) => e.event_name)).toEqual(["checkout.totals_updated"])
    expect(events[0]!.causation_id).toBe(envelope.event_id)
    expect(events[0]!.correlation_id).toBe("corr_consumed")
    expect(Schema.decodeUnknownSync(CheckoutEventPayloads["checkout.totals_updated"])(events[0]!.payload)).toMatchObject({ cart_total: 200_000, grand_total: 200_000, cart_version: 1 })
  })

  test("an event that changes nothing is still remembered (so ?after= answers) and publishes nothing", async () => {
    const sessionId = newSessionId()
    await consume(sessionId, cart(2, [washer]) as never)
    const stale = await consume(sessionId, cart(1, []) as never)
    const seen = await consume(sessionId, { name: "promotion.code_invalid", payload: { code: "NOPE", reason: "unknown" } })
    expect(eventsOf(sessionId)).toHaveLength(1)
    expect(JSON.parse((await storedSession(sessionId))!).applied_event_ids).toEqual(expect.arrayContaining([textDigest(stale.envelope.event_id), textDigest(seen.envelope.event_id)]))
    expect((await run(getSummary(sessionId))).cart_total).toBe(200_000)
  })

  test("services' availability is not read: no client can name it, and the cart snapshot already carries the services", async () => {
    const sessionId = newSessionId()
    await consume(sessionId, cart(2, [washer]) as never)
    const before = await storedSession(sessionId)
    expect(handler.handles?.("services.availability_calculated")).toBe(false)
    const { write } = await consume(sessionId, { name: "services.availability_calculated", payload: { cart_hash: "h", available_services: [], total_services_price: 0 } })
    expect(write).toBe(IgnoredEvent as never)
    expect(await storedSession(sessionId)).toBe(before)
  })
})

describe("customer data and consents", () => {
  test("valid data is stored tidied; a bad NIP, email or phone is refused naming every field and writes nothing", async () => {
    const sessionId = newSessionId()
    const refused = await failure(setCustomerData(context(sessionId), { email: "nope", first_name: " ", last_name: "Nowak", phone: "12", invoice: { company_name: "Firma", tax_id: "1234567890", address: { street: "a", city: "b", postal_code: "00-001", country: "PL" } } }))
    expect(refused._tag).toBe("InvalidCustomerData")
    expect((refused as unknown as { fields: Array<{ field: string }> }).fields.map((f) => f.field).sort()).toEqual(["email", "first_name", "invoice.tax_id", "phone"])
    expect(await storedSession(sessionId)).toBeUndefined()
    const summary = await run(setCustomerData(context(sessionId), { ...CUSTOMER, email: " anna@EXAMPLE.com ", invoice: { company_name: "Firma", tax_id: "PL 526-000-12-46", address: { street: "a", city: "b", postal_code: "00-001", country: "pl" } } }))
    expect(summary.customer).toMatchObject({ email: "anna@example.com", invoice: { tax_id: "5260001246", address: { country: "PL" } } })
    expect((await run(setConsents(context(sessionId), CONSENTS))).consents).toEqual({ ...CONSENTS, marketing_opt_in: false })
    expect(eventsOf(sessionId)).toEqual([])
  })

  test("with an Idempotency-Key the answer is committed with the data", async () => {
    const sessionId = newSessionId()
    const answered = await run(runAnswered(setConsents(context(sessionId), { ...CONSENTS, marketing_opt_in: true })))
    expect(answered.outcomes).toEqual(["answer-written"])
    expect(JSON.parse(answered.record!)).toEqual(answered.result)
  })
})

/** Finalize whose every write loses the race: another writer changes the session just before each commit. */
const losingEveryRace = (sessionId: string) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const key = checkoutSessionKey(sessionId)
    const meddle = Effect.flatMap(store.get(key), (value) => store.commit({ ops: [{ op: "set", key, value: JSON.stringify({ ...JSON.parse(value!), applied_event_ids: [crypto.randomUUID()] }) }] }))
    return yield* Effect.provideService(finalizeCheckout(context(sessionId), {}), StateStore, StateStore.of({ ...store, commit: (write) => Effect.andThen(meddle, store.commit(write)) }))
  })

describe("finalize", () => {
  test("an incomplete checkout is a 422's missing list; nothing reserved, written or published", async () => {
    const sessionId = newSessionId()
    await consume(sessionId, cart(1, [washer]) as never)
    await consume(sessionId, method("courier", 1_999) as never)
    const before = await storedSession(sessionId)
    const calls = reserveCalls.length
    const refused = await failure(finalizeCheckout(context(sessionId), {}))
    expect(refused._tag).toBe("MissingForFinalize")
    expect((refused as unknown as { missing: ReadonlyArray<string> }).missing).toEqual(["address", "delivery_date", "payment_method", "customer_data", "consents"])
    expect(await storedSession(sessionId)).toBe(before)
    expect(reserveCalls.length).toBe(calls)
    expect(eventsOf(sessionId).map((e) => e.event_name)).toEqual(["checkout.totals_updated", "checkout.totals_updated"])
  })

  test("a different expected_total is TotalChanged with the new totals; nothing reserved", async () => {
    const sessionId = await readySession()
    const calls = reserveCalls.length
    const refused = await failure(finalizeCheckout(context(sessionId), { expected_total: 1 }))
    expect(refused).toMatchObject({ _tag: "TotalChanged", expected_total: 1, totals: { grand_total: 200_000 + 4_900 + 1_999, currency: "PLN" } })
    expect(reserveCalls.length).toBe(calls)
  })

  test("success: reserved once (TTL longer than the retry window), finalized with order_created in one write; a second finalize is CheckoutNotOpen", async () => {
    const sessionId = await readySession()
    const published = eventsOf(sessionId).length
    const answer = await run(finalizeCheckout(context(sessionId), { expected_total: 206_899 }))
    expect(answer).toEqual({ order_id: expect.stringMatching(/^ord_[0-9a-f]{24}$/), status: "finalized", grand_total: 206_899, currency: "PLN" })
    const reserve = reservations.get(answer.order_id)!
    expect(reserve.lines).toEqual([{ offer_id: washer.offer_id, quantity: 1 }])
    expect(reserve.ttl_seconds).toBe(reservationTtlSeconds(WINDOW_SECONDS))
    expect(reserve.ttl_seconds).toBeGreaterThan(2 * WINDOW_SECONDS)
    const created = eventsOf(sessionId).slice(published)
    expect(created.map((e) => e.event_name)).toEqual(["checkout.order_created"])
    const payload = Schema.decodeUnknownSync(CheckoutEventPayloads["checkout.order_created"])(created[0]!.payload)
    expect(payload).toMatchObject({ order_id: answer.order_id, grand_total: 206_899, payment_method_id: "blik", customer: CUSTOMER, shipping: { method_id: "courier", delivery_date: "2026-12-03" } })
    expect(created[0]!.correlation_id).toBe("corr_checkout_app")
    const summary = await run(getSummary(sessionId))
    expect(summary).toMatchObject({ status: "finalized", order_id: answer.order_id })
    const again = await failure(finalizeCheckout(context(sessionId), {}))
    expect(again).toMatchObject({ _tag: "CheckoutNotOpen", status: "finalized", order_id: answer.order_id })
    expect(eventsOf(sessionId).length).toBe(published + 1)
    expect((await failure(setCustomerData(context(sessionId), CUSTOMER)))._tag).toBe("CheckoutNotOpen")
  })

  test("the order id is the same on a retry after the write failed, so the stock is reserved once", async () => {
    const sessionId = await readySession()
    const units = stock.get(washer.offer_id)!
    // The first attempt reserves, then its write loses to another writer every time (the session changes under it).
    const racing = losingEveryRace(sessionId)
    expect((await failure(racing))._tag).toBe("CheckoutChangedConcurrently")
    const attempts = reserveCalls.filter((call) => call.session_id === sessionId)
    expect(attempts.length).toBeGreaterThan(1)
    expect(new Set(attempts.map((call) => call.order_id)).size).toBe(1)
    // The reservation stays for the next finalize of the same cart, which takes it over.
    expect(released).not.toContain(attempts[0]!.order_id)
    const answer = await run(finalizeCheckout(context(sessionId), {}))
    expect(answer.order_id).toBe(attempts[0]!.order_id)
    expect(stock.get(washer.offer_id)).toBe(units - 1)
  })

  test("a kept reservation that ran out before the next finalize: the session's ids are salted, the order made under a new id", async () => {
    const sessionId = await readySession()
    const losing = losingEveryRace(sessionId)
    expect((await failure(losing))._tag).toBe("CheckoutChangedConcurrently")
    const kept = reserveCalls.filter((call) => call.session_id === sessionId)[0]!.order_id
    // The hold runs out: the catalog releases it (units back) and that order id cannot reserve again.
    const held = reservations.get(kept)!
    reservations.delete(kept)
    gone.add(kept)
    stock.set(washer.offer_id, stock.get(washer.offer_id)! + held.lines[0]!.quantity)
    const answer = await run(finalizeCheckout(context(sessionId), {}))
    expect(answer.order_id).not.toBe(kept)
    expect(reservations.has(answer.order_id)).toBe(true)
    expect(JSON.parse((await storedSession(sessionId))!).order_salt).toBe(1)
  })

  test("the cart changed between the reservation and the write: the new cart is ordered under a new id, the first reservation released", async () => {
    const sessionId = await readySession()
    stock.set(washer.offer_id, stock.get(washer.offer_id)! + 1)
    const units = stock.get(washer.offer_id)!
    let changed = false
    const racing = Effect.gen(function* () {
      const store = yield* StateStore
      return yield* Effect.provideService(
        finalizeCheckout(context(sessionId), {}),
        StateStore,
        StateStore.of({
          ...store,
          commit: (write) =>
            changed
              ? store.commit(write)
              : Effect.andThen(
                  Effect.promise(() => consume(sessionId, cart(2, [{ ...washer, quantity: 2 }]) as never)),
                  Effect.suspend(() => ((changed = true), store.commit(write)))
                )
        })
      )
    })
    const answer = await run(racing)
    const attempts = reserveCalls.filter((call) => call.session_id === sessionId)
    expect(attempts.map((call) => call.lines[0]!.quantity)).toEqual([1, 2])
    expect(attempts[1]!.order_id).toBe(answer.order_id)
    expect(attempts[0]!.order_id).not.toBe(answer.order_id)
    expect(released).toContain(attempts[0]!.order_id)
    expect(stock.get(washer.offer_id)).toBe(units - 2)
    const created = eventsOf(sessionId).filter((e) => e.event_name === "checkout.order_created")
    expect(created.map((e) => (e.payload as { order_id: string; cart_version: number }).cart_version)).toEqual([2])
  })

  test("short stock is OutOfStock naming the lines; a code promotion refuses now is AppliedCodeRefused; neither writes", async () => {
    const sessionId = await readySession()
    stock.set(washer.offer_id, 0)
    const before = await storedSession(sessionId)
    expect(await failure(finalizeCheckout(context(sessionId), {}))).toMatchObject({ _tag: "OutOfStock", lines: [{ offer_id: washer.offer_id, requested: 1, available: 0 }] })
    stock.set(washer.offer_id, 1)
    await consume(sessionId, code("MINUS50", 5_000) as never)
    verdict = { ok: false, code: "MINUS50", reason: "usage_limit_reached", detail: "MINUS50 has been used 100 of 100 times" }
    const calls = reserveCalls.length
    expect(await failure(finalizeCheckout(context(sessionId), {}))).toMatchObject({ _tag: "AppliedCodeRefused", code: "MINUS50", reason: "usage_limit_reached" })
    expect(reserveCalls.length).toBe(calls)
    verdict = { ok: true }
    expect(JSON.parse((await storedSession(sessionId))!).projection.status).toBe("open")
    expect(before).toBeDefined()
    expect((await run(finalizeCheckout(context(sessionId), {}))).grand_total).toBe(206_899 - 5_000)
  })

  test("with an Idempotency-Key the 202's answer is committed with the order", async () => {
    const sessionId = await readySession()
    const answered = await run(runAnswered(finalizeCheckout(context(sessionId), {})))
    expect(answered.outcomes).toEqual(["answer-written"])
    expect(JSON.parse(answered.record!)).toEqual(answered.result)
  })
})

describe("payment outcomes and the retry window", () => {
  const ordered = async () => {
    const sessionId = await readySession()
    const { order_id } = await run(finalizeCheckout(context(sessionId), {}))
    await consume(sessionId, { name: "payment.initialized", payload: { order_id, transaction_id: "txn_1", method_id: "blik", gateway: "sandbox", amount_total: 206_899, currency: "PLN" } })
    return { sessionId, order_id }
  }

  test("payment.succeeded → checkout.completed carrying the order's cart_version, in the consumer's write; completed", async () => {
    const { sessionId, order_id } = await ordered()
    await consume(sessionId, { name: "payment.succeeded", payload: { order_id, transaction_id: "txn_1", amount_total: 206_899, currency: "PLN", gateway_reference: "ref" } })
    const completed = eventsOf(sessionId).filter((e) => e.event_name === "checkout.completed")
    expect(completed.map((e) => e.payload)).toEqual([{ session_id: sessionId, order_id, cart_version: 1 }])
    expect((await run(getSummary(sessionId))).status).toBe("completed")
  })

  test("payment.failed → payment_failed and a deadline; the sweep publishes payment_retry_expired once, after the deadline only", async () => {
    const { sessionId, order_id } = await ordered()
    const failedAt = (JSON.parse((await storedSession(sessionId))!).ordered_at_ms as number) + 1_000
    await consume(sessionId, { name: "payment.failed", payload: { order_id, transaction_id: "txn_1", reason: "declined" } }, new Date(failedAt))
    expect((await run(getSummary(sessionId))).status).toBe("payment_failed")
    const deadline = JSON.parse((await storedSession(sessionId))!).retry_deadline_ms as number
    expect(deadline).toBe(failedAt + WINDOW_SECONDS * 1000)
    expect(await run(at(deadline - 1)(expirePaymentRetries()))).toEqual([])
    const expiredOf = () => eventsOf(sessionId).filter((e) => e.event_name === "checkout.payment_retry_expired")
    expect(expiredOf()).toEqual([])
    // Two sweepers (two replicas) read the same session; the other one commits between this one's read and its write.
    const [mine, other] = await run(
      Effect.gen(function* () {
        const store = yield* StateStore
        let other: ReadonlyArray<string> = []
        let overtaken = false
        const overtakingStore = StateStore.of({
          ...store,
          commit: (write) => {
            if (overtaken) return store.commit(write)
            overtaken = true
            const otherSweep = Effect.provideService(at(deadline)(expirePaymentRetries()), StateStore, store).pipe(
              Effect.provideService(PaymentRetryDeadlines, deadlines),
              Effect.orDie
            )
            return Effect.andThen(
              Effect.tap(otherSweep, (expired) => Effect.sync(() => (other = expired))),
              store.commit(write)
            )
          }
        })
        const mine = yield* Effect.provideService(at(deadline)(expirePaymentRetries()), StateStore, overtakingStore)
        return [mine, other] as const
      })
    )
    expect(other).toEqual([order_id])
    expect(mine).toEqual([])
    expect(expiredOf().map((e) => e.payload)).toEqual([{ session_id: sessionId, order_id }])
    expect(expiredOf()[0]!.correlation_id).toBe("corr_checkout_app")
    expect((await run(getSummary(sessionId))).status).toBe("cancelled")
    expect(await run(at(deadline + 10_000)(expirePaymentRetries()))).toEqual([])
  })

  test("a retry that succeeds within the window completes the order and the sweep then publishes nothing", async () => {
    const { sessionId, order_id } = await ordered()
    await consume(sessionId, { name: "payment.failed", payload: { order_id, transaction_id: "txn_1", reason: "declined" } })
    await consume(sessionId, { name: "payment.initialized", payload: { order_id, transaction_id: "txn_2", method_id: "blik", gateway: "sandbox", amount_total: 206_899, currency: "PLN" } })
    await consume(sessionId, { name: "payment.succeeded", payload: { order_id, transaction_id: "txn_2", amount_total: 206_899, currency: "PLN", gateway_reference: "ref" } })
    expect((await run(getSummary(sessionId))).status).toBe("completed")
    const deadline = JSON.parse((await storedSession(sessionId))!).retry_deadline_ms as number
    expect(await run(at(deadline + 1)(expirePaymentRetries()))).toEqual([])
    expect(eventsOf(sessionId).filter((e) => e.event_name === "checkout.payment_retry_expired")).toEqual([])
  })
})

describe("the summary's wait for an event", () => {
  test("answers at once when applied; wakes on the consumer's commit; says applied=false when the wait ends", async () => {
    const sessionId = newSessionId()
    const { envelope } = await consume(sessionId, cart(1, [washer]) as never)
    expect(await run(waitForSummary(sessionId, [envelope.event_id], 0))).toMatchObject({ applied: true, summary: { cart_total: 200_000 } })
    expect(await run(waitForSummary(sessionId, [envelope.event_id, "never-seen"], 50))).toMatchObject({ applied: false, summary: { cart_total: 200_000 } })
    // The wait starts before the event arrives; the event's commit wakes it.
    const next = makeEnvelope({ eventName: "shipping.address_provided", aggregateId: sessionId, correlationId: "corr_w", producer: "test", payload: { ...ADDRESS, session_id: sessionId } })
    const waiting = run(waitForSummary(sessionId, [next.event_id], 5_000))
    const write = await run(handler({ envelope: next as Envelope, group: "checkout-consumer", topic: Topics.shipping, partition: 0, offset: 1 }) as Effect.Effect<AtomicWrite, never, Services>)
    await run(Effect.flatMap(StateStore, (store) => store.commit(write)))
    notifier.notify(sessionId)
    const waited = await waiting
    expect(waited.applied).toBe(true)
    expect(waited.summary.shipping.address).toEqual(ADDRESS)
  })

  test("a session written before the ids were kept as digests still answers for the ids it holds as they are", async () => {
    const sessionId = newSessionId()
    const { envelope } = await consume(sessionId, cart(1, [washer]) as never)
    const key = checkoutSessionKey(sessionId)
    const older = "01a23cb4-575f-7003-9874-100338771cd4"
    await run(Effect.flatMap(StateStore, (store) => Effect.flatMap(store.get(key), (value) => store.commit({ ops: [{ op: "set", key, value: JSON.stringify({ ...JSON.parse(value!), applied_event_ids: [older, textDigest(envelope.event_id)] }) }] }))))
    expect(await run(waitForSummary(sessionId, [older, envelope.event_id], 0))).toMatchObject({ applied: true })
    expect(await run(waitForSummary(sessionId, [older, "01a23cb4-575f-7003-9874-000000000000"], 0))).toMatchObject({ applied: false })
  })
})
