// GET /shipping/calendar with a calendar service configured (CALENDAR_API_URL pointing at a local
// fake service, a real HTTP server): its days when it answers (bounded by the window and the Sunday
// rule, cached), the default calendar marked degraded when it fails, hangs past the timeout, or its
// breaker is open (and then nothing reaches it); and a malformed CALENDAR_* variable stops the start.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { createApp } from "@kasa/app-platform"
import { fakeCalendarDays, type FakeCalendarServer, startFakeCalendarServer } from "@kasa/adapter-calendar-http/testing/fake-calendar-server"
import { defaultCalendar, deliveryWindow, isSunday, localDate } from "@kasa/shipping"
import { shippingModule } from "../src/module.ts"
import { call, cartLine, cartOf, newSession, type Session, startShippingApp, type TestApp, writeCatalogFile } from "./fixtures.ts"

let server: FakeCalendarServer
let t: TestApp
let catalog: Awaited<ReturnType<typeof writeCatalogFile>>

beforeAll(async () => {
  server = startFakeCalendarServer()
  catalog = await writeCatalogFile()
  t = await startShippingApp({
    env: {
      CATALOG_DATA_FILE: catalog.file,
      CALENDAR_API_URL: server.url,
      CALENDAR_TIMEOUT_MS: "300",
      CALENDAR_BREAKER_FAILURES: "3",
      // Long enough that the breaker stays open for the rest of this file.
      CALENDAR_BREAKER_COOLDOWN_MS: "3600000"
    }
  })
})
afterAll(async () => {
  await t.app.stop()
  await server.stop()
  await catalog.remove()
})

type Calendar = { method_id: string; days: Array<string>; degraded: boolean }

/** A session with a small cart (and, for fresh cache keys, its own PL address). */
let n = 0
const sessionAt = async () => {
  const session = newSession()
  await cartOf(t, session, [cartLine("hdmi-cable")])
  const postal = `${String(10 + (++n % 90))}-${String(100 + n).slice(-3)}`
  const response = await call(t, "POST", "/shipping/address", { session, body: { street: "ul. Prosta 1", city: "Warszawa", postal_code: postal, country: "PL" } })
  expect(response.status).toBe(200)
  return session
}

const calendar = async (session: Session, method = "courier") => {
  const before = Date.now()
  const response = await call(t, "GET", `/shipping/calendar?method_id=${method}`, { session })
  expect(response.status).toBe(200)
  return { body: (await response.json()) as Calendar, windows: [before, Date.now()].map((at) => deliveryWindow(localDate(at, "Europe/Warsaw"), 14)) }
}

describe("with a calendar service", () => {
  test("its days (its answer has no Saturdays; Sundays dropped without the addon), not degraded; asked again, served from the cache", async () => {
    server.mode = "answer"
    const session = await sessionAt()
    const sent = server.requests.length
    const { body, windows } = await calendar(session)
    expect(body.degraded).toBe(false)
    expect(windows.map((w) => fakeCalendarDays(w.from, w.to).filter((day) => !isSunday(day)))).toContainEqual(body.days)
    const request = server.requests.at(-1)!
    expect(request.searchParams.get("method_id")).toBe("courier")
    expect(request.searchParams.get("country")).toBe("PL")
    expect(server.requests.length).toBe(sent + 1)
    expect((await calendar(session)).body).toEqual(body)
    expect(server.requests.length).toBe(sent + 1)
  })

  test.each<["error" | "garbage" | "hang"]>([["error"], ["garbage"], ["hang"]])("when it answers %s: the default calendar, degraded", async (mode) => {
    server.mode = mode
    const session = await sessionAt()
    const { body, windows } = await calendar(session, "store_pickup")
    expect(body).toMatchObject({ method_id: "store_pickup", degraded: true })
    expect(windows.map((w) => defaultCalendar(w, false))).toContainEqual(body.days)
  })

  test("after 3 failures in a row the breaker is open: degraded answers, and no request reaches the service even though it is up again", async () => {
    // Three failures in a row (those above count too: then it is open already, and these fail fast).
    server.mode = "error"
    for (let i = 0; i < 3; i++) expect((await calendar(await sessionAt(), "courier")).body.degraded).toBe(true)
    server.mode = "answer"
    const sent = server.requests.length
    for (let i = 0; i < 3; i++) expect((await calendar(await sessionAt(), "courier")).body.degraded).toBe(true)
    expect(server.requests.length).toBe(sent)
    // set-date still works, against the default calendar the shopper was shown.
    const session = await sessionAt()
    expect((await call(t, "POST", "/shipping/select", { session, body: { method_id: "courier" } })).status).toBe(200)
    const { body } = await calendar(session)
    const chosen = await call(t, "POST", "/shipping/set-date", { session, body: { delivery_date: body.days[0] } })
    expect(chosen.status).toBe(200)
    expect(server.requests.length).toBe(sent)
  })
})

describe("calendar configuration", () => {
  test.each<[string, Record<string, string>]>([
    ["CALENDAR_API_URL", { CALENDAR_API_URL: "not a url" }],
    ["CALENDAR_TIMEOUT_MS", { CALENDAR_API_URL: "http://calendar.test", CALENDAR_TIMEOUT_MS: "soon" }],
    ["CALENDAR_BREAKER_FAILURES", { CALENDAR_BREAKER_FAILURES: "0" }]
  ])("a malformed %s stops the start, naming it", async (variable, env) => {
    const error = (await createApp({ name: "shipping", modules: [shippingModule({ catalogFile: catalog.file, env })], env: {}, log: () => {} }).then(
      (app) => app.stop().then(() => undefined),
      (e: unknown) => e
    )) as Error | undefined
    expect(error?.message).toContain(variable)
  })
})
