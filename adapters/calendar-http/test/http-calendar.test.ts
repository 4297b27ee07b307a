// The HTTP calendar against a local fake calendar service (a real HTTP server that answers, fails,
// answers garbage and hangs): the request it sends, its answer cached in the StateStore (memory and
// a real Redis) for the asked window only, each kind of failure named, and the circuit breaker
// opening after consecutive failures, failing fast while open (no request reaches the server),
// letting one probe through after the cool-down (which a hang fails, opening it again), and closing
// on a probe's success.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { Effect, ManagedRuntime } from "effect"
import { layerMemoryStateStore, MemoryStateData } from "@kasa/adapter-memory"
import { layerRedis } from "@kasa/adapter-redis"
import { type CalendarQuery, type CalendarUnavailable } from "@kasa/shipping"
import { StateStore } from "@kasa/shared"
import { calendarCacheKey, type HttpCalendar, type HttpCalendarOptions, makeHttpCalendar, requestUrl } from "@kasa/adapter-calendar-http"
import { fakeCalendarDays, type FakeCalendarServer, startFakeCalendarServer } from "@kasa/adapter-calendar-http/testing/fake-calendar-server"
import { runId, runPrefix, testRedis } from "@kasa/test-support/infra"

let server: FakeCalendarServer
const data = new MemoryStateData()
const runtime = ManagedRuntime.make(layerMemoryStateStore(data))

beforeAll(() => {
  server = startFakeCalendarServer()
})
afterAll(async () => {
  await server.stop()
  await runtime.dispose()
})

const window = { from: "2026-02-12", to: "2026-02-25" }
let place = 0
/** A query for a place no other test asked about (so no cached answer interferes). */
const freshQuery = (overrides: Partial<CalendarQuery> = {}): CalendarQuery => ({
  method_id: "courier",
  country: "PL",
  postal_code: `${String(10 + (++place % 90)).padStart(2, "0")}-${String(place).padStart(3, "0")}`,
  ...window,
  ...overrides
})

let clock = 1_000_000
const open = (options: Partial<HttpCalendarOptions> = {}) =>
  runtime.runPromise(makeHttpCalendar({ url: server.url, timeoutMs: 250, breaker: { failureThreshold: 3, coolDownMs: 10_000 }, now: () => clock, ...options }))

const ask = (calendar: HttpCalendar, query: CalendarQuery) =>
  runtime.runPromise(Effect.result(calendar.calendar.deliveryDays(query)).pipe(Effect.map((r) => (r._tag === "Success" ? { days: r.success } : { failed: r.failure.reason }))))

const reasonOf = async (calendar: HttpCalendar, query: CalendarQuery): Promise<CalendarUnavailable["reason"] | "answered"> => {
  const result = await ask(calendar, query)
  return "failed" in result ? result.failed : "answered"
}

describe("the request", () => {
  test.each<[string, string, CalendarQuery, string]>([
    ["with an address", "http://calendar.test", { method_id: "pallet", country: "PL", postal_code: "00-950", ...window }, "http://calendar.test/delivery-days?method_id=pallet&from=2026-02-12&to=2026-02-25&country=PL&postal_code=00-950"],
    ["without one", "http://calendar.test/", { method_id: "courier", ...window }, "http://calendar.test/delivery-days?method_id=courier&from=2026-02-12&to=2026-02-25"],
    ["under a base path", "http://calendar.test/api/v1", { method_id: "courier", country: "GB", postal_code: "SW1A 1AA", ...window }, "http://calendar.test/api/v1/delivery-days?method_id=courier&from=2026-02-12&to=2026-02-25&country=GB&postal_code=SW1A+1AA"]
  ])("%s", (_, base, query, expected) => {
    expect(requestUrl(base, query).href).toBe(expected)
  })
})

describe("answers and the cache", () => {
  test("the service's days come back; the answer is cached under calendar:{method}:{postal_code} and a second ask sends nothing", async () => {
    server.mode = "answer"
    const calendar = await open()
    const query = freshQuery()
    const before = server.requests.length
    expect(await ask(calendar, query)).toEqual({ days: fakeCalendarDays(window.from, window.to) })
    expect(server.requests.length).toBe(before + 1)
    const sent = server.requests.at(-1)!
    expect(Object.fromEntries(sent.searchParams)).toEqual({ method_id: "courier", from: window.from, to: window.to, country: "PL", postal_code: query.postal_code! })
    expect(calendarCacheKey(query)).toBe(`calendar:courier:PL-${query.postal_code}`)
    expect(JSON.parse(data.read(calendarCacheKey(query))!)).toEqual({ ...window, days: fakeCalendarDays(window.from, window.to) })
    expect(await ask(calendar, query)).toEqual({ days: fakeCalendarDays(window.from, window.to) })
    expect(server.requests.length).toBe(before + 1)
  })

  test("a cached answer serves only the window it was fetched for", async () => {
    server.mode = "answer"
    const calendar = await open()
    const query = freshQuery()
    await ask(calendar, query)
    const before = server.requests.length
    const tomorrow = { ...query, from: "2026-02-13", to: "2026-02-26" }
    expect(await ask(calendar, tomorrow)).toEqual({ days: fakeCalendarDays("2026-02-13", "2026-02-26") })
    expect(server.requests.length).toBe(before + 1)
  })
})

describe("failures", () => {
  test.each<[string, "error" | "garbage" | "hang", CalendarUnavailable["reason"]]>([
    ["a 503", "error", "http_error"],
    ["a body that is not the contract's JSON", "garbage", "bad_response"],
    ["no answer within the timeout", "hang", "timeout"]
  ])("%s is %s, and nothing is cached", async (_, mode, reason) => {
    server.mode = mode
    const calendar = await open()
    const query = freshQuery()
    expect(await reasonOf(calendar, query)).toBe(reason)
    expect(data.read(calendarCacheKey(query))).toBeUndefined()
    expect(calendar.breaker()).toEqual({ status: "closed", failures: 1 })
  })

  test("nothing listening is unreachable", async () => {
    const gone = startFakeCalendarServer()
    const url = gone.url
    await gone.stop()
    const calendar = await open({ url })
    expect(await reasonOf(calendar, freshQuery())).toBe("unreachable")
  })
})

describe("the circuit breaker, against the live fake service", () => {
  test("opens after 3 failures, fails fast while open (no request reaches the server), probes after the cool-down, and closes on success", async () => {
    const calendar = await open()
    const sent = () => server.requests.length

    server.mode = "error"
    for (let i = 1; i <= 3; i++) {
      const before = sent()
      expect(await reasonOf(calendar, freshQuery())).toBe("http_error")
      expect(sent()).toBe(before + 1)
    }
    expect(calendar.breaker()).toEqual({ status: "open", openedAt: clock })

    // Open: the service is healthy again, but nothing is sent until the cool-down has passed.
    server.mode = "answer"
    const whileOpen = sent()
    for (let i = 0; i < 5; i++) expect(await reasonOf(calendar, freshQuery())).toBe("circuit_open")
    clock += 9_999
    expect(await reasonOf(calendar, freshQuery())).toBe("circuit_open")
    expect(sent()).toBe(whileOpen)

    // Cool-down over: one probe goes out; it hangs, times out, and the breaker opens again.
    clock += 1
    server.mode = "hang"
    expect(await reasonOf(calendar, freshQuery())).toBe("timeout")
    expect(sent()).toBe(whileOpen + 1)
    expect(calendar.breaker()).toEqual({ status: "open", openedAt: clock })
    expect(await reasonOf(calendar, freshQuery())).toBe("circuit_open")
    expect(sent()).toBe(whileOpen + 1)

    // Next cool-down: the probe succeeds and the breaker closes; calls flow again.
    clock += 10_000
    server.mode = "answer"
    expect(await reasonOf(calendar, freshQuery())).toBe("answered")
    expect(calendar.breaker()).toEqual({ status: "closed", failures: 0 })
    const afterClose = sent()
    expect(await reasonOf(calendar, freshQuery())).toBe("answered")
    expect(await reasonOf(calendar, freshQuery())).toBe("answered")
    expect(sent()).toBe(afterClose + 2)
  })

  test("while a probe is out, other calls fail fast", async () => {
    const calendar = await open({ breaker: { failureThreshold: 1, coolDownMs: 1_000 } })
    server.mode = "error"
    expect(await reasonOf(calendar, freshQuery())).toBe("http_error")
    clock += 1_000
    server.mode = "hang"
    const before = server.requests.length
    const probe = reasonOf(calendar, freshQuery())
    expect(calendar.breaker()).toEqual({ status: "half_open" })
    expect(await reasonOf(calendar, freshQuery())).toBe("circuit_open")
    expect(await probe).toBe("timeout")
    // Only the probe reached the server.
    expect(server.requests.length).toBe(before + 1)
  })

  test("a cached answer is served while the breaker is open", async () => {
    const calendar = await open({ breaker: { failureThreshold: 1, coolDownMs: 60_000 } })
    server.mode = "answer"
    const query = freshQuery()
    await ask(calendar, query)
    server.mode = "error"
    expect(await reasonOf(calendar, freshQuery())).toBe("http_error")
    expect(calendar.breaker().status).toBe("open")
    expect(await ask(calendar, query)).toEqual({ days: fakeCalendarDays(window.from, window.to) })
  })
})

describe("the cache over a real Redis", () => {
  test("an answer cached by one process (key under the run's prefix, with a TTL) is served to another without a request", async () => {
    const { url } = await testRedis()
    const redisLayer = () => layerRedis({ url, keyPrefix: runPrefix, outboxName: "calendar-test", clientName: `kasa-test-${runId}-calendar` })
    const one = ManagedRuntime.make(redisLayer())
    const two = ManagedRuntime.make(redisLayer())
    try {
      server.mode = "answer"
      const query = freshQuery({ method_id: "pallet" })
      const first = await one.runPromise(makeHttpCalendar({ url: server.url, timeoutMs: 1_000 }))
      expect(await one.runPromise(first.calendar.deliveryDays(query))).toEqual(fakeCalendarDays(window.from, window.to))
      const stored = await one.runPromise(Effect.flatMap(StateStore, (store) => store.get(calendarCacheKey(query))))
      expect(JSON.parse(stored!)).toMatchObject(window)
      const before = server.requests.length
      const second = await two.runPromise(makeHttpCalendar({ url: server.url, timeoutMs: 1_000 }))
      expect(await two.runPromise(second.calendar.deliveryDays(query))).toEqual(fakeCalendarDays(window.from, window.to))
      expect(server.requests.length).toBe(before)
    } finally {
      await Promise.all([one.dispose(), two.dispose()])
    }
  })
})

