// The use cases over the in-memory store, with "today" fixed at Wednesday 2026-02-11 in Warsaw: what
// a command writes and publishes (envelopes that fit the published Schemas), what a refused command
// leaves (nothing), the methods cache per cart hash, the calendar from the service or the default
// when it has no answer, and a write conflict retried on the fresh state or, when it keeps
// happening, refused without applying anything.
import { afterAll, describe, expect, test } from "bun:test"
import { Clock, Effect, Layer, Logger, ManagedRuntime, Schema } from "effect"
import { makeMemoryOutboxReader, makeMemoryStateStore, MemoryStateData } from "@kasa/adapter-memory"
import { type CartSnapshot, cartHash, type Envelope, IgnoredEvent, layerAnsweringStore, newSessionId, OutboxReader, StateStore, Topics } from "@kasa/shared"
import { runAnswered } from "@kasa/shared/testing/answered"
import {
  type CalendarQuery,
  type CalendarUnavailable,
  type CommandContext,
  emptySession,
  getAvailableMethods,
  getCalendar,
  layerParcelSpecs,
  layerShippingStore,
  makeCartEventsHandler,
  MAX_ATTEMPTS,
  provideShippingAddress,
  selectShippingAddons,
  selectShippingMethod,
  setShippingDate,
  ShippingEventPayloads,
  ShippingKeys,
  toAtomicWrite
} from "@kasa/shipping"
import { cartEvent, cartLine, cartSnapshot, fixedClock, fixtureParcelSpecs, layerCalendarAnswering, layerFixtureShippingRules } from "@kasa/shipping/testing"

const NOW = Date.parse("2026-02-11T10:00:00.000Z")
const data = new MemoryStateData()

/** Called after every read of session keys: lets a test write "in between" a command's load and save. */
let interfere: ((keys: ReadonlyArray<string>) => void) | undefined
const memory = makeMemoryStateStore(data)
const interferingStore = Layer.mergeAll(
  Layer.succeed(StateStore, StateStore.of({ ...memory, getMany: (keys) => Effect.tap(memory.getMany(keys), () => Effect.sync(() => interfere?.(keys))) })),
  Layer.succeed(OutboxReader, makeMemoryOutboxReader(data))
)

let calendarAnswer: (query: CalendarQuery) => ReadonlyArray<string> | CalendarUnavailable["reason"] = () => "not_configured"
const calendarQueries: Array<CalendarQuery> = []
const ports = Layer.mergeAll(
  layerShippingStore,
  layerParcelSpecs(fixtureParcelSpecs),
  layerFixtureShippingRules,
  layerCalendarAnswering((query) => {
    calendarQueries.push(query)
    return calendarAnswer(query)
  })
)
// The calendar fallback logs a warning per degraded answer; these tests cause many on purpose.
const runtime = ManagedRuntime.make(Layer.mergeAll(Layer.provideMerge(ports, Layer.provideMerge(layerAnsweringStore, interferingStore)), Logger.layer([])))
afterAll(() => runtime.dispose())

const run = <A, E>(effect: Effect.Effect<A, E, Layer.Success<typeof ports> | StateStore>) => runtime.runPromise(Effect.provideService(effect, Clock.Clock, fixedClock(NOW)))
const failure = <A, E>(effect: Effect.Effect<A, E, Layer.Success<typeof ports> | StateStore>) => run(Effect.flip(effect)) as Promise<unknown>

const who = (): CommandContext => ({ session_id: newSessionId(), correlation_id: "corr_shipping_app" })

const handler = makeCartEventsHandler()
/** What the consumer does with a cart event, run here directly (the runtime would add the marker). */
const project = (snapshot: CartSnapshot) =>
  run(
    Effect.gen(function* () {
      const write = yield* handler({ envelope: cartEvent(snapshot), group: "shipping-consumer", topic: Topics.cart, partition: 0, offset: 0 })
      if (write !== undefined && write !== IgnoredEvent) yield* (yield* StateStore).commit(write)
    })
  )

const stored = (sessionId: string) => ({
  values: data.valueEntries().filter(([key]) => key.includes(sessionId)),
  outbox: data.outbox.filter((entry) => entry.event.key === sessionId)
})
const published = (sessionId: string): ReadonlyArray<Envelope> => stored(sessionId).outbox.map((entry) => entry.event.envelope)

const decodePayload = (envelope: Envelope) => {
  const schema = ShippingEventPayloads[envelope.event_name as keyof typeof ShippingEventPayloads]
  expect(schema).toBeDefined()
  return Schema.decodeUnknownSync(schema as Schema.Codec<unknown, unknown>)(envelope.payload)
}

/** A session whose cart (as projected) holds these lines. */
const sessionWith = async (...lines: Parameters<typeof cartLine>[]) => {
  const context = who()
  await project(cartSnapshot(context.session_id, 1, lines.map((args) => cartLine(...args))))
  return context
}

const address = { street: "ul. Prosta 1", city: "Warszawa", postal_code: "00-950", country: "PL" }

describe("getAvailableMethods", () => {
  test("a session whose cart was never seen has no methods and nothing chosen, and nothing is stored", async () => {
    const context = who()
    expect(await run(getAvailableMethods(context.session_id))).toEqual({ methods: [], selected_method_id: null })
    expect(stored(context.session_id)).toEqual({ values: [], outbox: [] })
  })

  test("lists the methods the projected cart allows, caches them under shipping:methods:{cart_hash}, and answers from that cache", async () => {
    const context = await sessionWith(["hdmi-cable"])
    const available = await run(getAvailableMethods(context.session_id))
    expect(available.selected_method_id).toBeNull()
    expect(available.methods.map((m) => [m.method_id, m.price_amount, m.supports_express, m.addons.map((a) => a.addon_id)])).toEqual([
      ["courier", 1_999, true, ["sunday_delivery"]],
      ["parcel_locker", 1_299, false, []],
      ["store_pickup", 0, false, []]
    ])
    const hash = cartHash({ currency: "PLN", lines: [cartLine("hdmi-cable")] })
    const key = ShippingKeys.methods(hash)
    expect(JSON.parse(data.read(key)!)).toEqual({ methods: available.methods })
    // Proof that the cache is read: a tampered entry is what comes back.
    data.commit({ ops: [{ op: "set", key, value: JSON.stringify({ methods: [available.methods[2]] }) }] })
    expect((await run(getAvailableMethods(context.session_id))).methods.map((m) => m.method_id)).toEqual(["store_pickup"])
  })
})

describe("selectShippingMethod", () => {
  test("stores the choice and publishes shipping.method_selected on shipping-events keyed by session", async () => {
    const context = await sessionWith(["hdmi-cable"])
    const chosen = await run(selectShippingMethod(context, "parcel_locker"))
    expect(chosen).toEqual({ method_id: "parcel_locker", method_name: "Parcel locker", price_amount: 1_299, price_currency: "PLN" })
    expect((await run(getAvailableMethods(context.session_id))).selected_method_id).toBe("parcel_locker")
    const [entry, ...more] = stored(context.session_id).outbox
    expect(more).toEqual([])
    expect(entry!.event.topic).toBe(Topics.shipping)
    expect(entry!.event.envelope).toMatchObject({ event_name: "shipping.method_selected", aggregate_id: context.session_id, correlation_id: "corr_shipping_app", causation_id: null, producer: "shipping" })
    expect(decodePayload(entry!.event.envelope)).toEqual({ session_id: context.session_id, ...chosen })
    await run(selectShippingMethod(context, "parcel_locker"))
    expect(published(context.session_id)).toHaveLength(1)
  })

  test.each<[string, string, Record<string, unknown>]>([
    ["a method the cart does not allow", "pallet", { _tag: "MethodNotAvailable", method_id: "pallet", reason: "no_large_item" }],
    ["an unknown method", "drone", { _tag: "MethodNotFound", method_id: "drone" }]
  ])("refuses %s and leaves the store and the outbox as they were", async (_, methodId, expected) => {
    const context = await sessionWith(["hdmi-cable"])
    const before = stored(context.session_id)
    expect(await failure(selectShippingMethod(context, methodId))).toMatchObject(expected)
    expect(stored(context.session_id)).toEqual(before)
  })
})

describe("provideShippingAddress", () => {
  test("stores the tidy address and publishes shipping.address_provided", async () => {
    const context = who()
    const stored_ = await run(provideShippingAddress(context, { street: " ul.  Prosta 1 ", city: "Warszawa", postal_code: "00-950", country: "pl" }))
    expect(stored_).toEqual(address)
    expect(JSON.parse(data.read(ShippingKeys.address(context.session_id))!)).toEqual(address)
    expect(published(context.session_id).map((e) => [e.event_name, decodePayload(e)])).toEqual([["shipping.address_provided", { session_id: context.session_id, ...address }]])
  })

  test.each<[string, Record<string, string>, string]>([
    ["a postal code that does not fit", { postal_code: "00950" }, "InvalidAddress"],
    ["a country not delivered to", { country: "FR", postal_code: "75001" }, "CountryNotSupported"]
  ])("refuses %s and stores nothing", async (_, overrides, tag) => {
    const context = who()
    expect(await failure(provideShippingAddress(context, { ...address, ...overrides }))).toMatchObject({ _tag: tag })
    expect(stored(context.session_id)).toEqual({ values: [], outbox: [] })
  })
})

describe("getCalendar", () => {
  // Wednesday 2026-02-11: the window is 12th .. 25th; Sundays 15th and 22nd.
  test("the service's days, bounded by the window and the Sunday rule; the query names method, address and window", async () => {
    const context = await sessionWith(["hdmi-cable"])
    await run(provideShippingAddress(context, address))
    calendarAnswer = () => ["2026-02-11", "2026-02-13", "2026-02-15", "2026-02-16", "2026-03-01"]
    calendarQueries.length = 0
    expect(await run(getCalendar(context.session_id, "courier"))).toEqual({ method_id: "courier", days: ["2026-02-13", "2026-02-16"], degraded: false })
    expect(calendarQueries).toEqual([{ method_id: "courier", country: "PL", postal_code: "00-950", from: "2026-02-12", to: "2026-02-25" }])
  })

  test.each<CalendarUnavailable["reason"]>(["not_configured", "circuit_open", "timeout", "unreachable", "http_error", "bad_response"])(
    "no answer (%s): the default calendar, degraded",
    async (reason) => {
      const context = await sessionWith(["hdmi-cable"])
      calendarAnswer = () => reason
      const calendar = await run(getCalendar(context.session_id, "store_pickup"))
      expect(calendar).toMatchObject({ method_id: "store_pickup", degraded: true })
      expect(calendar.days).toHaveLength(12)
      expect(calendar.days).not.toContain("2026-02-15")
    }
  )

  test("with Sunday delivery booked, Sundays are delivery days for courier and pallet", async () => {
    const context = await sessionWith(["hdmi-cable"])
    calendarAnswer = () => "not_configured"
    await run(selectShippingMethod(context, "courier"))
    await run(selectShippingAddons(context, ["sunday_delivery"]))
    expect((await run(getCalendar(context.session_id, "courier"))).days).toHaveLength(14)
    // The parcel locker takes no Sunday delivery, so its calendar stays without Sundays.
    expect((await run(getCalendar(context.session_id, "parcel_locker"))).days).toHaveLength(12)
  })

  test.each<[string, string, string]>([
    ["a method the cart does not allow", "pallet", "MethodNotAvailable"],
    ["an unknown method", "drone", "MethodNotFound"]
  ])("refuses %s", async (_, methodId, tag) => {
    const context = await sessionWith(["hdmi-cable"])
    expect(await failure(getCalendar(context.session_id, methodId))).toMatchObject({ _tag: tag })
  })
})

describe("setShippingDate and selectShippingAddons", () => {
  test("a calendar day with express: stored and published with the express fee; the same again publishes nothing", async () => {
    const context = await sessionWith(["hdmi-cable"])
    calendarAnswer = () => "timeout"
    await run(selectShippingMethod(context, "courier"))
    const delivery = await run(setShippingDate(context, { delivery_date: "2026-02-13", is_express: true }))
    expect(delivery).toEqual({ delivery_date: "2026-02-13", is_express: true, express_fee_amount: 2_500 })
    await run(setShippingDate(context, { delivery_date: "2026-02-13", is_express: true }))
    expect(published(context.session_id).map((e) => [e.event_name, decodePayload(e)])).toEqual([
      ["shipping.method_selected", { session_id: context.session_id, method_id: "courier", method_name: "Courier", price_amount: 1_999, price_currency: "PLN" }],
      ["shipping.delivery_date_selected", { session_id: context.session_id, ...delivery }]
    ])
  })

  test.each<[string, ReadonlyArray<string> | undefined, string, boolean, string]>([
    ["without a method", undefined, "2026-02-13", false, "NoMethodSelected"],
    ["a Sunday without Sunday delivery", [], "2026-02-15", false, "DateNotAvailable"],
    ["today", [], "2026-02-11", false, "DateNotAvailable"],
    ["after the window", [], "2026-02-26", false, "DateNotAvailable"],
    ["a day the calendar service does not deliver", [], "2026-02-12", false, "DateNotAvailable"]
  ])("refuses %s, changing nothing", async (_, addons, date, express, tag) => {
    const context = await sessionWith(["hdmi-cable"])
    calendarAnswer = () => ["2026-02-13", "2026-02-15"]
    if (addons !== undefined) await run(selectShippingMethod(context, "courier"))
    const before = stored(context.session_id)
    expect(await failure(setShippingDate(context, { delivery_date: date, is_express: express }))).toMatchObject({ _tag: tag })
    expect(stored(context.session_id)).toEqual(before)
  })

  test("express with a method that has none is refused", async () => {
    const context = await sessionWith(["hdmi-cable"])
    calendarAnswer = () => "not_configured"
    await run(selectShippingMethod(context, "parcel_locker"))
    expect(await failure(setShippingDate(context, { delivery_date: "2026-02-13", is_express: true }))).toMatchObject({ _tag: "ExpressNotSupported" })
  })

  test("Sunday delivery booked, then a Sunday date; dropping the addon while the date is a Sunday is refused", async () => {
    const context = await sessionWith(["washer"])
    calendarAnswer = () => "not_configured"
    await run(selectShippingMethod(context, "pallet"))
    expect(await run(selectShippingAddons(context, ["sunday_delivery"]))).toEqual({ addons: [{ addon_id: "sunday_delivery", name: "Sunday delivery", price_amount: 2_999 }], addons_total: 2_999 })
    expect(await run(setShippingDate(context, { delivery_date: "2026-02-15", is_express: false }))).toMatchObject({ delivery_date: "2026-02-15" })
    const before = stored(context.session_id)
    expect(await failure(selectShippingAddons(context, []))).toMatchObject({ _tag: "SundayDateNeedsAddon" })
    expect(stored(context.session_id)).toEqual(before)
    expect(published(context.session_id).map((e) => e.event_name)).toEqual(["shipping.method_selected", "shipping.addons_selected", "shipping.delivery_date_selected"])
    expect(decodePayload(published(context.session_id)[1]!)).toEqual({ session_id: context.session_id, addons: [{ addon_id: "sunday_delivery", name: "Sunday delivery", price_amount: 2_999 }], addons_total: 2_999 })
  })
})

describe("an Idempotency-Key request", () => {
  test("every command commits the answer it returns in the same write as its state", async () => {
    const context = await sessionWith(["hdmi-cable"])
    calendarAnswer = () => "timeout"
    const commands: ReadonlyArray<Effect.Effect<unknown, unknown, Layer.Success<typeof ports> | StateStore>> = [
      selectShippingMethod(context, "courier"),
      provideShippingAddress(context, address),
      setShippingDate(context, { delivery_date: "2026-02-13", is_express: true }),
      selectShippingAddons(context, ["sunday_delivery"])
    ]
    for (const command of commands) {
      const { result, outcomes, record } = await run(runAnswered(command))
      expect(outcomes).toEqual(["answer-written"])
      expect(record).toBe(JSON.stringify(result))
    }
  })
})

describe("write conflicts", () => {
  test("a command whose load went stale runs again on the fresh state (here: an oversize item arrived meanwhile)", async () => {
    const context = await sessionWith(["hdmi-cable"])
    const sessionKey = ShippingKeys.session(context.session_id)
    let interfered = 0
    interfere = (keys) => {
      if (!keys.includes(sessionKey) || interfered > 0) return
      interfered++
      const raw = data.read(sessionKey)
      const write = toAtomicWrite({
        loaded: { session: emptySession(context.session_id), revision: { session: undefined, address: undefined, addons: undefined } },
        session: { ...emptySession(context.session_id), cart: { cart_version: 2, currency: "PLN", lines: [cartLine("hdmi-cable"), cartLine("fridge")] } },
        events: []
      })
      expect(raw).toBeDefined()
      data.commit({ ops: write.ops ?? [] })
    }
    try {
      expect(await failure(selectShippingMethod(context, "parcel_locker"))).toMatchObject({ _tag: "MethodNotAvailable", reason: "oversize_item" })
    } finally {
      interfere = undefined
    }
    expect(interfered).toBe(1)
    expect(published(context.session_id)).toEqual([])
  })

  test(`a session that keeps changing under the command: ShippingChangedConcurrently after ${MAX_ATTEMPTS} attempts, nothing applied`, async () => {
    const context = who()
    const addonsKey = ShippingKeys.addons(context.session_id)
    let n = 0
    interfere = (keys) => {
      if (keys.includes(addonsKey)) data.commit({ ops: [{ op: "set", key: addonsKey, value: JSON.stringify([{ addon_id: "sunday_delivery", name: `Sunday ${++n}`, price_amount: 2_999 }]) }] })
    }
    try {
      expect(await failure(provideShippingAddress(context, address))).toMatchObject({ _tag: "ShippingChangedConcurrently", attempts: MAX_ATTEMPTS })
    } finally {
      interfere = undefined
    }
    expect(n).toBe(MAX_ATTEMPTS)
    expect(data.read(ShippingKeys.address(context.session_id))).toBeUndefined()
    expect(published(context.session_id)).toEqual([])
  })
})
