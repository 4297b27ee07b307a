// Shipping's HTTP API in an embedded app (createApp over a broker and state this file can look into),
// with the cart seen only through cart events on the bus, as in production: every endpoint's exact
// body, sessions issued and kept apart, events published with the request's correlation id, every
// bad input and every refused rule answered with the right status, code and field, and every
// refusal leaving the session's state and the bus exactly as they were.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { addDays, defaultCalendar, deliveryWindow, isSunday, localDate } from "@kasa/shipping"
import { isSessionId } from "@kasa/shared"
import { call, cartLine, cartOf, footprint, newSession, publishCart, publishedFor, type Session, sessionOf, shippingFootprint, startShippingApp, type TestApp, waitForPublished, writeCatalogFile } from "./fixtures.ts"
import { cartSnapshot } from "@kasa/shipping/testing"

let t: TestApp
let catalog: Awaited<ReturnType<typeof writeCatalogFile>>

beforeAll(async () => {
  catalog = await writeCatalogFile()
  // Through the environment, as an operator would point the app at its data file; no calendar service.
  t = await startShippingApp({ env: { CATALOG_DATA_FILE: catalog.file } })
})
afterAll(async () => {
  await t.app.stop()
  await catalog.remove()
})

const json = async (response: Response) => (await response.json()) as Record<string, unknown>

const courier = { method_id: "courier", name: "Courier", price_amount: 1_999, price_currency: "PLN", supports_express: true, addons: [{ addon_id: "sunday_delivery", name: "Sunday delivery", price_amount: 2_999 }] }
const parcelLocker = { method_id: "parcel_locker", name: "Parcel locker", price_amount: 1_299, price_currency: "PLN", supports_express: false, addons: [] }
const storePickup = { method_id: "store_pickup", name: "Store pickup", price_amount: 0, price_currency: "PLN", supports_express: false, addons: [] }
const pallet = { method_id: "pallet", name: "Pallet delivery (two-person)", price_amount: 14_900, price_currency: "PLN", supports_express: false, addons: [{ addon_id: "sunday_delivery", name: "Sunday delivery", price_amount: 2_999 }] }

/** A session whose cart holds a small item (every method but pallet). */
const smallCart = async () => {
  const session = newSession()
  await cartOf(t, session, [cartLine("hdmi-cable")])
  return session
}

/** A session with a small cart and `method` chosen. */
const withMethod = async (method: string, lines = [cartLine("hdmi-cable")]) => {
  const session = newSession()
  await cartOf(t, session, lines)
  const response = await call(t, "POST", "/shipping/select", { session, body: { method_id: method } })
  expect(response.status).toBe(200)
  return session
}

/** The default calendar the app serves today (computed around the request, in case midnight passes). */
const defaultDays = (sundays: boolean, at: number) => defaultCalendar(deliveryWindow(localDate(at, "Europe/Warsaw"), 14), sundays)

const calendarOf = async (session: Session, method: string) => (await json(await call(t, "GET", `/shipping/calendar?method_id=${method}`, { session }))) as { days: Array<string>; degraded: boolean }

/** A Sunday inside the calendar's window (a 14-day window holds two; one is always between its first and last weekday). */
const sundayWithin = (days: ReadonlyArray<string>): string => {
  for (let day = days[0]!; day <= days.at(-1)!; day = addDays(day, 1)) if (isSunday(day)) return day
  throw new Error(`no Sunday between ${days[0]} and ${days.at(-1)}`)
}

/** Sends the request and checks it was refused with status and code, naming `fieldName`, changing nothing. */
const refused = async (session: Session, method: string, path: string, body: unknown, status: number, code: string, fieldName?: string) => {
  const before = footprint(t, session)
  const response = await call(t, method, path, { session, ...(body === undefined ? {} : { body }) })
  expect(response.status).toBe(status)
  expect(response.headers.get("content-type")).toContain("application/problem+json")
  expect(response.headers.get("X-Session-Id")).toBe(session.token)
  const problem = await json(response)
  expect(problem).toMatchObject({ status, code })
  if (fieldName !== undefined) expect((problem.errors as Array<{ field: string }>).map((e) => e.field)).toContain(fieldName)
  expect(footprint(t, session)).toEqual(before)
  return problem
}

describe("sessions", () => {
  test("a request without X-Session-Id gets a new session and, with no cart seen, no methods; nothing is stored", async () => {
    const before = shippingFootprint(t)
    const response = await call(t, "GET", "/shipping/available")
    expect(response.status).toBe(200)
    expect(isSessionId(sessionOf(response).id)).toBe(true)
    expect(await response.json()).toEqual({ methods: [], selected_method_id: null })
    expect(shippingFootprint(t)).toEqual(before)
  })

  test("another session does not see this session's choice", async () => {
    const session = await withMethod("courier")
    const other = newSession()
    expect(await json(await call(t, "GET", "/shipping/available", { session: other }))).toEqual({ methods: [], selected_method_id: null })
    expect((await json(await call(t, "GET", "/shipping/available", { session }))).selected_method_id).toBe("courier")
  })
})

describe("GET /shipping/available", () => {
  test.each<[string, Parameters<typeof cartLine>[], ReadonlyArray<unknown>]>([
    ["a small item: courier, parcel locker, store pickup", [["hdmi-cable"]], [courier, parcelLocker, storePickup]],
    ["goods worth 30000: the courier is free", [["kettle", { unit_price: 30_000 }]], [{ ...courier, price_amount: 0 }, parcelLocker, storePickup]],
    ["a large item: pallet offered, no parcel locker", [["washer"]], [{ ...courier, price_amount: 0 }, storePickup, pallet]],
    ["an oversize item: only store pickup and pallet", [["hdmi-cable"], ["fridge"]], [storePickup, pallet]],
    ["over 25 kg: no parcel locker", [["dumbbell-12-5kg", { quantity: 2 }], ["feather", { unit_price: 1 }]], [courier, storePickup]]
  ])("%s", async (_, lines, methods) => {
    const session = newSession()
    await cartOf(t, session, lines.map((args) => cartLine(...args)))
    const response = await call(t, "GET", "/shipping/available", { session })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ methods, selected_method_id: null })
  })

  test("follows the cart: an item added later changes the methods", async () => {
    const session = await smallCart()
    await publishCart(t, cartSnapshot(session.id, 2, [cartLine("hdmi-cable"), cartLine("sofa")]))
    expect(await json(await call(t, "GET", "/shipping/available", { session }))).toEqual({ methods: [storePickup, pallet], selected_method_id: null })
  })
})

describe("POST /shipping/select", () => {
  test("→ 200 with the method and its price; published on shipping-events with the request's correlation id; shown as selected", async () => {
    const session = await smallCart()
    const response = await call(t, "POST", "/shipping/select", { session, headers: { "X-Correlation-Id": "corr_select_1" }, body: { method_id: "parcel_locker", price_amount: 1 } })
    expect(response.status).toBe(200)
    expect(response.headers.get("X-Session-Id")).toBe(session.token)
    expect(await response.json()).toEqual({ method_id: "parcel_locker", method_name: "Parcel locker", price_amount: 1_299, price_currency: "PLN" })
    const [event] = await waitForPublished(t, session, 1)
    expect(event).toMatchObject({
      event_name: "shipping.method_selected",
      aggregate_id: session.id,
      correlation_id: "corr_select_1",
      producer: "shipping",
      payload: { session_id: session.id, method_id: "parcel_locker", method_name: "Parcel locker", price_amount: 1_299, price_currency: "PLN" }
    })
    expect((await json(await call(t, "GET", "/shipping/available", { session }))).selected_method_id).toBe("parcel_locker")
  })

  test("selecting the same method again answers the same and publishes nothing more", async () => {
    const session = await withMethod("courier")
    await waitForPublished(t, session, 1)
    const before = footprint(t, session)
    const again = await call(t, "POST", "/shipping/select", { session, body: { method_id: "courier" } })
    expect(again.status).toBe(200)
    expect(footprint(t, session)).toEqual(before)
  })

  test.each<[string, Parameters<typeof cartLine>[], unknown, number, string, string?]>([
    ["pallet for small items → 422", [["hdmi-cable"]], { method_id: "pallet" }, 422, "method_not_available", "method_id"],
    ["parcel locker with an oversize item → 422", [["hdmi-cable"], ["fridge"]], { method_id: "parcel_locker" }, 422, "method_not_available", "method_id"],
    ["courier with an oversize item → 422", [["fridge"]], { method_id: "courier" }, 422, "method_not_available", "method_id"],
    ["an unknown method → 404", [["hdmi-cable"]], { method_id: "drone" }, 404, "method_not_found", "method_id"],
    ["no method_id → 400", [["hdmi-cable"]], {}, 400, "validation_failed", "method_id"],
    ["method_id not a string → 400", [["hdmi-cable"]], { method_id: 7 }, 400, "validation_failed", "method_id"],
    ["an empty method_id → 400", [["hdmi-cable"]], { method_id: "" }, 400, "validation_failed", "method_id"],
    ["malformed JSON → 400", [["hdmi-cable"]], "{", 400, "malformed_json", "body"]
  ])("%s, nothing changed or published", async (_, lines, body, status, code, fieldName) => {
    const session = newSession()
    await cartOf(t, session, lines.map((args) => cartLine(...args)))
    await refused(session, "POST", "/shipping/select", body, status, code, fieldName)
  })

  test("the 422 says why", async () => {
    const session = newSession()
    await cartOf(t, session, [cartLine("fridge")])
    const problem = await refused(session, "POST", "/shipping/select", { method_id: "parcel_locker" }, 422, "method_not_available", "method_id")
    expect(problem).toMatchObject({ method_id: "parcel_locker", reason: "oversize_item" })
  })

  test("before any cart was seen, every method is refused (nothing to ship)", async () => {
    const session = newSession()
    const problem = await refused(session, "POST", "/shipping/select", { method_id: "store_pickup" }, 422, "method_not_available", "method_id")
    expect(problem.reason).toBe("cart_empty")
  })
})

describe("POST /shipping/address", () => {
  const address = { street: "ul. Marszałkowska 1", city: "Warszawa", postal_code: "00-950", country: "PL" }

  test("→ 200 with the address as stored (tidied), published as shipping.address_provided", async () => {
    const session = newSession()
    const response = await call(t, "POST", "/shipping/address", { session, body: { street: " ul.  Marszałkowska 1", city: "Warszawa ", postal_code: "00-950", country: "pl" } })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual(address)
    const [event] = await waitForPublished(t, session, 1)
    expect(event).toMatchObject({ event_name: "shipping.address_provided", payload: { session_id: session.id, ...address } })
  })

  test.each<[string, Record<string, unknown>, string]>([
    ["GB", { street: "10 Downing Street", city: "London", postal_code: "sw1a2aa", country: "GB" }, "SW1A 2AA"],
    ["DE", { street: "Unter den Linden 1", city: "Berlin", postal_code: "10117", country: "DE" }, "10117"],
    ["CZ", { street: "Václavské náměstí 1", city: "Praha", postal_code: "11000", country: "CZ" }, "110 00"]
  ])("%s postal codes are accepted in their format", async (_, body, canonical) => {
    const response = await call(t, "POST", "/shipping/address", { session: newSession(), body })
    expect(response.status).toBe(200)
    expect((await json(response)).postal_code).toBe(canonical)
  })

  test.each<[string, unknown, number, string, string]>([
    ["a PL postal code without the dash", { ...address, postal_code: "00950" }, 400, "validation_failed", "postal_code"],
    ["a DE postal code for PL", { ...address, postal_code: "10117" }, 400, "validation_failed", "postal_code"],
    ["an empty street", { ...address, street: "  " }, 400, "validation_failed", "street"],
    ["no city", { street: address.street, postal_code: address.postal_code, country: "PL" }, 400, "validation_failed", "city"],
    ["a country that is not a code", { ...address, country: "Poland" }, 400, "validation_failed", "country"],
    ["a number for a postal code", { ...address, postal_code: 950 }, 400, "validation_failed", "postal_code"],
    ["a country not delivered to", { ...address, country: "FR", postal_code: "75001" }, 422, "country_not_supported", "country"]
  ])("%s → %d, nothing changed or published", async (_, body, status, code, fieldName) => {
    await refused(newSession(), "POST", "/shipping/address", body, status, code, fieldName)
  })
})

describe("GET /shipping/calendar", () => {
  test("without a calendar service: the default calendar (14 days from tomorrow, no Sundays), degraded", async () => {
    const session = await smallCart()
    const before = Date.now()
    const response = await call(t, "GET", "/shipping/calendar?method_id=courier", { session })
    const after = Date.now()
    expect(response.status).toBe(200)
    const body = (await response.json()) as { method_id: string; days: Array<string>; degraded: boolean }
    expect(body.method_id).toBe("courier")
    expect(body.degraded).toBe(true)
    expect([defaultDays(false, before), defaultDays(false, after)]).toContainEqual(body.days)
    expect(body.days).toHaveLength(12)
    expect(body.days.some(isSunday)).toBe(false)
  })

  test("with Sunday delivery booked, courier's calendar has Sundays", async () => {
    const session = await withMethod("courier")
    expect((await call(t, "POST", "/shipping/addons", { session, body: { addons: ["sunday_delivery"] } })).status).toBe(200)
    const calendar = await calendarOf(session, "courier")
    expect(calendar.days).toHaveLength(14)
    expect(calendar.days.filter(isSunday)).toHaveLength(2)
  })

  test.each<[string, string, number, string]>([
    ["no method_id → 400", "/shipping/calendar", 400, "validation_failed"],
    ["an empty method_id → 400", "/shipping/calendar?method_id=", 400, "validation_failed"],
    ["an unknown method → 404", "/shipping/calendar?method_id=drone", 404, "method_not_found"],
    ["a method the cart does not allow → 422", "/shipping/calendar?method_id=pallet", 422, "method_not_available"]
  ])("%s", async (_, path, status, code) => {
    const session = await smallCart()
    await refused(session, "GET", path, undefined, status, code, "method_id")
  })
})

describe("POST /shipping/set-date", () => {
  test("→ 200 with the date, express and its fee; published as shipping.delivery_date_selected", async () => {
    const session = await withMethod("courier")
    const { days } = await calendarOf(session, "courier")
    const response = await call(t, "POST", "/shipping/set-date", { session, body: { delivery_date: days[1], is_express: true } })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ delivery_date: days[1], is_express: true, express_fee_amount: 2_500 })
    const events = await waitForPublished(t, session, 2)
    expect(events[1]).toMatchObject({ event_name: "shipping.delivery_date_selected", payload: { session_id: session.id, delivery_date: days[1], is_express: true, express_fee_amount: 2_500 } })
  })

  test("is_express defaults to false, with no fee", async () => {
    const session = await withMethod("store_pickup")
    const { days } = await calendarOf(session, "store_pickup")
    const response = await call(t, "POST", "/shipping/set-date", { session, body: { delivery_date: days[0] } })
    expect(await response.json()).toEqual({ delivery_date: days[0], is_express: false, express_fee_amount: 0 })
  })

  test("a Sunday is a delivery date once Sunday delivery is booked", async () => {
    const session = await withMethod("courier")
    await call(t, "POST", "/shipping/addons", { session, body: { addons: ["sunday_delivery"] } })
    const sunday = sundayWithin((await calendarOf(session, "courier")).days)
    const response = await call(t, "POST", "/shipping/set-date", { session, body: { delivery_date: sunday } })
    expect(response.status).toBe(200)
    // Dropping the addon now would leave an impossible date.
    await refused(session, "POST", "/shipping/addons", { addons: [] }, 422, "sunday_date_needs_addon", "addons")
  })

  test("a Sunday without Sunday delivery → 422 date_not_available, nothing changed", async () => {
    const session = await withMethod("courier")
    const sunday = sundayWithin((await calendarOf(session, "courier")).days)
    await refused(session, "POST", "/shipping/set-date", { delivery_date: sunday }, 422, "date_not_available", "delivery_date")
  })

  test.each<[string, (days: ReadonlyArray<string>) => unknown, number, string, string?]>([
    ["today → 422", () => ({ delivery_date: localDate(Date.now(), "Europe/Warsaw") }), 422, "date_not_available", "delivery_date"],
    ["after the 14-day window → 422", (days) => ({ delivery_date: addDays(days.at(-1)!, 1) }), 422, "date_not_available", "delivery_date"],
    ["a year ago → 422", (days) => ({ delivery_date: addDays(days[0]!, -365) }), 422, "date_not_available", "delivery_date"],
    ["not a calendar date → 400", () => ({ delivery_date: "2026-02-30" }), 400, "validation_failed", "delivery_date"],
    ["not a date at all → 400", () => ({ delivery_date: "tomorrow" }), 400, "validation_failed", "delivery_date"],
    ["no delivery_date → 400", () => ({ is_express: false }), 400, "validation_failed", "delivery_date"],
    ["is_express not a boolean → 400", (days) => ({ delivery_date: days[0], is_express: "yes" }), 400, "validation_failed", "is_express"]
  ])("%s, nothing changed or published", async (_, body, status, code, fieldName) => {
    const session = await withMethod("courier")
    const { days } = await calendarOf(session, "courier")
    await refused(session, "POST", "/shipping/set-date", body(days), status, code, fieldName)
  })

  test("express with a method that has none → 422 express_not_supported", async () => {
    const session = await withMethod("parcel_locker")
    const { days } = await calendarOf(session, "parcel_locker")
    await refused(session, "POST", "/shipping/set-date", { delivery_date: days[0], is_express: true }, 422, "express_not_supported", "is_express")
  })

  test("before a method is chosen → 422 method_not_selected", async () => {
    const session = await smallCart()
    const { days } = await calendarOf(session, "courier")
    await refused(session, "POST", "/shipping/set-date", { delivery_date: days[0] }, 422, "method_not_selected")
  })
})

describe("POST /shipping/addons", () => {
  test("→ 200 with the addons and their total, published as shipping.addons_selected; [] books none", async () => {
    const session = await withMethod("pallet", [cartLine("washer")])
    const response = await call(t, "POST", "/shipping/addons", { session, body: { addons: ["sunday_delivery"] } })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ addons: [{ addon_id: "sunday_delivery", name: "Sunday delivery", price_amount: 2_999 }], addons_total: 2_999 })
    const events = await waitForPublished(t, session, 2)
    expect(events[1]).toMatchObject({ event_name: "shipping.addons_selected", payload: { session_id: session.id, addons: [{ addon_id: "sunday_delivery", price_amount: 2_999 }], addons_total: 2_999 } })
    expect(await json(await call(t, "POST", "/shipping/addons", { session, body: { addons: [] } }))).toEqual({ addons: [], addons_total: 0 })
  })

  test.each<[string, string, unknown, number, string, string?]>([
    ["Sunday delivery with the parcel locker → 422", "parcel_locker", { addons: ["sunday_delivery"] }, 422, "addon_not_supported", "addons"],
    ["Sunday delivery with store pickup → 422", "store_pickup", { addons: ["sunday_delivery"] }, 422, "addon_not_supported", "addons"],
    ["an unknown addon → 404", "courier", { addons: ["sunday_delivery", "helicopter"] }, 404, "addon_not_found", "addons"],
    ["addons not a list → 400", "courier", { addons: "sunday_delivery" }, 400, "validation_failed", "addons"],
    ["an addon id that is not a string → 400", "courier", { addons: [1] }, 400, "validation_failed", "addons.0"],
    ["no addons → 400", "courier", {}, 400, "validation_failed", "addons"]
  ])("%s, nothing changed or published", async (_, method, body, status, code, fieldName) => {
    const session = await withMethod(method)
    await refused(session, "POST", "/shipping/addons", body, status, code, fieldName)
  })

  test("before a method is chosen → 422 method_not_selected", async () => {
    await refused(await smallCart(), "POST", "/shipping/addons", { addons: ["sunday_delivery"] }, 422, "method_not_selected")
  })
})

describe("a whole choice, then the cart changes", () => {
  test("method, address, date, addons are published in order; an oversize item then invalidates the courier, caused by the cart event", async () => {
    const session = await smallCart()
    const headers = { "X-Correlation-Id": "corr_whole_choice" }
    await call(t, "POST", "/shipping/select", { session, headers, body: { method_id: "courier" } })
    await call(t, "POST", "/shipping/address", { session, headers, body: { street: "ul. Prosta 1", city: "Warszawa", postal_code: "00-950", country: "PL" } })
    await call(t, "POST", "/shipping/addons", { session, headers, body: { addons: ["sunday_delivery"] } })
    const { days } = await calendarOf(session, "courier")
    await call(t, "POST", "/shipping/set-date", { session, headers, body: { delivery_date: days[0] } })
    const cartChange = await publishCart(t, cartSnapshot(session.id, 2, [cartLine("hdmi-cable"), cartLine("fridge")]), "corr_cart_fridge")
    const events = await waitForPublished(t, session, 5)
    expect(events.map((e) => [e.event_name, e.correlation_id])).toEqual([
      ["shipping.method_selected", "corr_whole_choice"],
      ["shipping.address_provided", "corr_whole_choice"],
      ["shipping.addons_selected", "corr_whole_choice"],
      ["shipping.delivery_date_selected", "corr_whole_choice"],
      ["shipping.method_invalidated", "corr_cart_fridge"]
    ])
    expect(events[4]).toMatchObject({ causation_id: cartChange.event_id, payload: { session_id: session.id, method_id: "courier", reason: "oversize_item" } })
    expect(await json(await call(t, "GET", "/shipping/available", { session }))).toEqual({ methods: [storePickup, pallet], selected_method_id: null })
    // The address stays; the date and addons went with the method.
    await refused(session, "POST", "/shipping/set-date", { delivery_date: days[0] }, 422, "method_not_selected")
    expect(publishedFor(t, session)).toHaveLength(5)
  })
})
