// The use cases over the in-memory store and code counters: what a command writes and publishes
// (envelopes that fit the published Schemas, keyed by session, with the request's correlation id),
// what a refusal leaves (nothing; a refused code only its promotion.code_invalid), the available
// promotions and their cache, the finalize check, and write conflicts retried on fresh state.
import { afterAll, describe, expect, test } from "bun:test"
import { Effect, Layer, ManagedRuntime, Schema } from "effect"
import { layerMemoryCodeUsage, layerMemoryStateStore, MemoryStateData } from "@kasa/adapter-memory"
import {
  appliedFor,
  applyCode,
  applyPromotion,
  availableFor,
  checkAppliedCode,
  CodeUsage,
  CodeUsageKeys,
  type CommandContext,
  layerPromotionRules,
  layerPromotionStore,
  MAX_ATTEMPTS,
  PromotionEventPayloads,
  PromotionKeys,
  type PromotionRules,
  PromotionStore,
  recompute,
  removePromotion
} from "@kasa/promotion"
import { accessories, extendedRules, type Row, snapshot, specRules } from "@kasa/promotion/testing"
import { cartHash, type Envelope, layerAnsweringStore, newSessionId, StateStore, Topics } from "@kasa/shared"
import { runAnswered } from "@kasa/shared/testing/answered"

const data = new MemoryStateData()
const ports = Layer.mergeAll(layerPromotionStore, layerPromotionRules(extendedRules), layerMemoryCodeUsage(data))
const runtime = ManagedRuntime.make(Layer.provideMerge(ports, Layer.provideMerge(layerAnsweringStore, layerMemoryStateStore(data))))
afterAll(() => runtime.dispose())

type Services = PromotionStore | PromotionRules | CodeUsage | StateStore

const run = <A, E>(effect: Effect.Effect<A, E, Services>) => runtime.runPromise(effect)
const failure = <A, E>(effect: Effect.Effect<A, E, Services>) => runtime.runPromise(Effect.flip(effect)) as Promise<{ readonly _tag: string; readonly reason?: string }>

const session = (user_id?: string): CommandContext => ({ session_id: newSessionId(), correlation_id: "corr_promo_app", ...(user_id === undefined ? {} : { user_id }) })

const tv: Row = ["tv", "tv", 379_900, 1]

/** The session's cart as the consumer would project it (no events): version `version`, these rows. */
const project = (sessionId: string, version: number, ...rows: ReadonlyArray<Row>) =>
  run(
    Effect.gen(function* () {
      const store = yield* PromotionStore
      const loaded = yield* store.load(sessionId)
      const cart = snapshot(sessionId, version, ...rows)
      yield* store.save({ loaded, cart, applied: recompute(extendedRules, cart, loaded.applied, Date.now()).applied, events: [] })
    })
  )

/** Everything stored for a session, and its outbox entries. */
const stored = (sessionId: string) => ({
  values: data.valueEntries().filter(([key]) => key.includes(sessionId)),
  outbox: data.outbox.filter((entry) => entry.event.key === sessionId)
})

const published = (sessionId: string): ReadonlyArray<Envelope> => stored(sessionId).outbox.map((entry) => entry.event.envelope)

/** Sets ALONE20's counted uses (its limit is 2), whatever earlier tests counted. */
const usesOfAlone20 = (n: number) => data.commit({ ops: [{ op: "set", key: CodeUsageKeys.usage("ALONE20"), value: String(n) }] })

const decodePayload = (envelope: Envelope) => {
  const schema = PromotionEventPayloads[envelope.event_name as keyof typeof PromotionEventPayloads]
  expect(schema).toBeDefined()
  return Schema.decodeUnknownSync(schema as Schema.Top as Schema.Codec<unknown>)(envelope.payload)
}

describe("availableFor", () => {
  test("lists what the cart qualifies for, with the discount each would give on its own", async () => {
    const who = session()
    await project(who.session_id, 4, tv, accessories(4_999, 4))
    expect(await run(availableFor(who.session_id))).toEqual({
      promotions: [
        { promotion_id: "second-item-half-price", name: "Second accessory at half price (2 za 50%)", discount_amount: 2 * 2_499, currency: "PLN" },
        { promotion_id: "buy-3-get-1", name: "Buy 3 accessories, get the 4th free (3+1 gratis)", discount_amount: 4_999, currency: "PLN" }
      ]
    })
  })

  test("a session never seen qualifies for nothing, and nothing is stored", async () => {
    const sessionId = newSessionId()
    expect(await run(availableFor(sessionId))).toEqual({ promotions: [] })
    expect(stored(sessionId)).toEqual({ values: [], outbox: [] })
  })

  test("reads the cache of the cart's content when the current rules filled it, and ignores other rules' entries", async () => {
    const who = session()
    await project(who.session_id, 1, accessories(4_999, 2))
    const hash = cartHash(snapshot(who.session_id, 1, accessories(4_999, 2)))
    const planted = { promotion_id: "from-cache", name: "cached", discount_amount: 1, currency: "PLN" }
    data.commit({ ops: [{ op: "set", key: PromotionKeys.available(hash), value: JSON.stringify({ rules: extendedRules.fingerprint, promotions: [planted] }) }] })
    expect((await run(availableFor(who.session_id))).promotions).toEqual([planted])
    data.commit({ ops: [{ op: "set", key: PromotionKeys.available(hash), value: JSON.stringify({ rules: specRules.fingerprint + "x", promotions: [planted] }) }] })
    expect((await run(availableFor(who.session_id))).promotions.map((p) => p.promotion_id)).toEqual(["second-item-half-price"])
  })
})

describe("applyPromotion", () => {
  test("saves and publishes promotion.applied on promotion-events keyed by session, fitting its Schema", async () => {
    const who = session("user_7")
    await project(who.session_id, 2, tv, accessories(4_999, 2))
    expect(await run(applyPromotion(who, "second-item-half-price"))).toEqual({
      promotion_id: "second-item-half-price",
      promotion_name: "Second accessory at half price (2 za 50%)",
      discount_amount: 2_499,
      discount_currency: "PLN"
    })
    const [entry, ...more] = stored(who.session_id).outbox
    expect(more).toEqual([])
    expect(entry!.event.topic).toBe(Topics.promotion)
    expect(entry!.event.envelope).toMatchObject({ event_name: "promotion.applied", aggregate_id: who.session_id, correlation_id: "corr_promo_app", causation_id: null, producer: "promotion" })
    expect(decodePayload(entry!.event.envelope)).toEqual({
      session_id: who.session_id,
      user_id: "user_7",
      promotion_id: "second-item-half-price",
      promotion_name: "Second accessory at half price (2 za 50%)",
      discount_amount: 2_499,
      discount_currency: "PLN",
      cart_version: 2
    })
    expect(await run(appliedFor(who.session_id))).toEqual({
      promotions: [{ promotion_id: "second-item-half-price", promotion_name: "Second accessory at half price (2 za 50%)", discount_amount: 2_499 }],
      code: null,
      total_discount: 2_499
    })
  })

  test.each<[string, string, string]>([
    ["an unknown promotion", "no-such-promotion", "PromotionNotFound"],
    ["one the cart does not qualify for", "buy-3-get-1", "PromotionNotApplicable"]
  ])("%s: writes and publishes nothing", async (_, id, tag) => {
    const who = session()
    await project(who.session_id, 1, accessories(4_999, 2))
    const before = stored(who.session_id)
    expect((await failure(applyPromotion(who, id)))._tag).toBe(tag)
    expect(stored(who.session_id)).toEqual(before)
  })
})

describe("applyCode", () => {
  test("saves the code as the rules spell it and publishes promotion.code_applied", async () => {
    const who = session()
    await project(who.session_id, 1, tv)
    expect(await run(applyCode(who, "welcome10"))).toEqual({ code: "WELCOME10", discount_amount: 37_990, discount_currency: "PLN" })
    const events = published(who.session_id)
    expect(events.map((e) => e.event_name)).toEqual(["promotion.code_applied"])
    expect(decodePayload(events[0]!)).toEqual({ session_id: who.session_id, code: "WELCOME10", discount_amount: 37_990, discount_currency: "PLN", cart_version: 1 })
  })

  test.each<[string, ReadonlyArray<Row>, string, string]>([
    ["unknown", [tv], "NOPE", "unknown"],
    ["expired", [tv], "EXPIRED2020", "expired"],
    ["minimum_not_met at 9999", [["goods", "equipment", 9_999, 1]], "WELCOME10", "minimum_not_met"],
    ["minimum_not_met at 49999", [["goods", "equipment", 49_999, 1]], "MINUS50", "minimum_not_met"]
  ])("a refused code (%s) changes no state and publishes only promotion.code_invalid with its reason", async (_, rows, typed, reason) => {
    const who = session()
    await project(who.session_id, 1, ...rows)
    const before = stored(who.session_id)
    expect(await failure(applyCode(who, typed))).toMatchObject({ _tag: "CodeRejected", reason })
    const after = stored(who.session_id)
    expect(after.values).toEqual(before.values)
    expect(after.outbox.map((e) => e.event.envelope.event_name)).toEqual(["promotion.code_invalid"])
    expect(decodePayload(after.outbox[0]!.event.envelope)).toEqual({ session_id: who.session_id, code: typed.toUpperCase(), reason })
  })

  test("a second code is not_combinable; the first stays", async () => {
    const who = session()
    await project(who.session_id, 1, tv)
    await run(applyCode(who, "WELCOME10"))
    expect(await failure(applyCode(who, "MINUS50"))).toMatchObject({ _tag: "CodeRejected", reason: "not_combinable" })
    expect((await run(appliedFor(who.session_id))).code).toEqual({ code: "WELCOME10", discount_amount: 37_990 })
  })

  test("a code whose uses are all counted is usage_limit_reached (ALONE20: 2 uses)", async () => {
    const who = session()
    await project(who.session_id, 1, tv)
    usesOfAlone20(2)
    expect(await failure(applyCode(who, "ALONE20"))).toMatchObject({ _tag: "CodeRejected", reason: "usage_limit_reached" })
  })
})

describe("removePromotion", () => {
  test("removes what is applied and publishes promotion.removed, removed by the shopper", async () => {
    const who = session()
    await project(who.session_id, 1, tv, accessories(4_999, 2))
    await run(applyPromotion(who, "second-item-half-price"))
    await run(applyCode(who, "MINUS50"))
    expect(await run(removePromotion(who, "minus50"))).toEqual({
      promotions: [{ promotion_id: "second-item-half-price", promotion_name: "Second accessory at half price (2 za 50%)", discount_amount: 2_499 }],
      code: null,
      total_discount: 2_499
    })
    const removed = published(who.session_id).at(-1)!
    expect(removed.event_name).toBe("promotion.removed")
    expect(decodePayload(removed)).toEqual({ session_id: who.session_id, promotion_id: "MINUS50", code: "MINUS50", reason: "removed_by_shopper", cart_version: 1 })
  })

  test("something not applied: NotApplied, nothing written", async () => {
    const who = session()
    await project(who.session_id, 1, tv)
    const before = stored(who.session_id)
    expect((await failure(removePromotion(who, "second-item-half-price")))._tag).toBe("NotApplied")
    expect(stored(who.session_id)).toEqual(before)
  })
})

describe("checkAppliedCode (the finalize check)", () => {
  test("no code: nothing to check", async () => {
    expect(await run(checkAppliedCode(newSessionId()))).toEqual({ code: null, ok: true })
  })

  test("a usable code, with its amount and counted uses", async () => {
    const who = session()
    await project(who.session_id, 1, tv)
    await run(applyCode(who, "MINUS50"))
    expect(await run(checkAppliedCode(who.session_id))).toEqual({ code: "MINUS50", ok: true, discount_amount: 5_000, used: 0, usage_limit: 100 })
  })

  test("a code applied while uses were left, used up since: usage_limit_reached", async () => {
    const who = session()
    await project(who.session_id, 1, tv)
    usesOfAlone20(1)
    await run(applyCode(who, "ALONE20"))
    expect(await run(Effect.flatMap(CodeUsage, (usage) => usage.redeem("ALONE20", 2, "ord_b2")))).toMatchObject({ outcome: "redeemed", used: 2 })
    expect(await run(checkAppliedCode(who.session_id))).toMatchObject({ code: "ALONE20", ok: false, reason: "usage_limit_reached" })
  })
})

describe("write conflicts", () => {
  /** A PromotionStore whose next `times` loads are each followed by a consumer write, as if it slipped in before the save. */
  const interfering = (times: number) =>
    Layer.effect(
      PromotionStore,
      Effect.gen(function* () {
        const real = yield* PromotionStore
        let left = times
        return PromotionStore.of({
          ...real,
          load: (sessionId) =>
            Effect.tap(real.load(sessionId), (loaded) => {
              if (left-- <= 0) return Effect.void
              const cart = { ...loaded.cart, cart_version: loaded.cart.cart_version + 1 }
              return Effect.orDie(real.save({ loaded, cart, applied: loaded.applied, events: [] }))
            })
        })
      })
    ).pipe(Layer.provide(layerPromotionStore))

  const withInterference = (times: number) =>
    ManagedRuntime.make(Layer.mergeAll(interfering(times), layerPromotionRules(extendedRules), layerMemoryCodeUsage(data)).pipe(Layer.provideMerge(layerMemoryStateStore(data))))

  test("a command that lost the race runs again on the fresh state and applies once", async () => {
    const racing = withInterference(2)
    try {
      const who = session()
      await project(who.session_id, 1, tv)
      expect(await racing.runPromise(applyCode(who, "WELCOME10"))).toMatchObject({ code: "WELCOME10" })
      expect(published(who.session_id).map((e) => [e.event_name, e.payload.cart_version])).toEqual([["promotion.code_applied", 3]])
    } finally {
      await racing.dispose()
    }
  })

  test(`after ${MAX_ATTEMPTS} lost races the command fails with PromotionsChangedConcurrently and publishes nothing`, async () => {
    const racing = withInterference(MAX_ATTEMPTS)
    try {
      const who = session()
      await project(who.session_id, 1, tv)
      expect(await racing.runPromise(Effect.flip(applyCode(who, "WELCOME10")))).toMatchObject({ _tag: "PromotionsChangedConcurrently", attempts: MAX_ATTEMPTS })
      expect(published(who.session_id)).toEqual([])
      expect((await run(appliedFor(who.session_id))).code).toBeNull()
    } finally {
      await racing.dispose()
    }
  })
})

describe("an Idempotency-Key request", () => {
  test("every command commits the answer it returns in the same write as its state", async () => {
    const who = session()
    await project(who.session_id, 4, tv, accessories(4_999, 4))
    const commands: ReadonlyArray<Effect.Effect<unknown, unknown, Services>> = [applyPromotion(who, "second-item-half-price"), applyCode(who, "welcome10"), removePromotion(who, "second-item-half-price")]
    for (const command of commands) {
      const { result, outcomes, record } = await run(runAnswered(command))
      expect(outcomes).toEqual(["answer-written"])
      expect(record).toBe(JSON.stringify(result))
    }
  })
})
