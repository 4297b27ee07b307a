/**
 * The external calendar service's HTTP contract, and one call to it under a timeout.
 *
 *   GET {CALENDAR_API_URL}/delivery-days?method_id=courier&from=2026-02-12&to=2026-02-25
 *         [&country=PL&postal_code=00-950]          (country and postal_code once an address is known)
 *   Accept: application/json
 *
 *   200, application/json: { "days": ["2026-02-12", "2026-02-13", ...] }
 *     the carrier's delivery days for that method and place within [from, to], as YYYY-MM-DD.
 *     Unknown fields are ignored; the shop still bounds the days by its own window and Sunday rule.
 *
 * Anything else is "no answer" with a reason: a connection that fails (`unreachable`), no response
 * within the timeout (`timeout`: the request is aborted), a non-2xx status (`http_error`), a body
 * that is not that JSON (`bad_response`). The caller (http-calendar.ts) counts each as a failure
 * for its circuit breaker; shipping then serves its default calendar, degraded.
 */
import { Effect, Schema } from "effect"
import { CalendarUnavailable, type CalendarQuery } from "@kasa/shipping"

export const DELIVERY_DAYS_PATH = "delivery-days"

export const CalendarResponse = Schema.Struct({ days: Schema.Array(Schema.String) })
export type CalendarResponse = typeof CalendarResponse.Type

/** The request URL for a query; a base URL with a path keeps it (`https://host/api/` → `https://host/api/delivery-days`). */
export const requestUrl = (baseUrl: string, query: CalendarQuery): URL => {
  const url = new URL(DELIVERY_DAYS_PATH, baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`)
  url.searchParams.set("method_id", query.method_id)
  url.searchParams.set("from", query.from)
  url.searchParams.set("to", query.to)
  if (query.country !== undefined && query.postal_code !== undefined) {
    url.searchParams.set("country", query.country)
    url.searchParams.set("postal_code", query.postal_code)
  }
  return url
}

const decodeResponse = Schema.decodeUnknownResult(CalendarResponse)

const noAnswer = (reason: CalendarUnavailable["reason"], message: string) => new CalendarUnavailable({ reason, message })

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** One call: the days, or why there are none. Interrupting it (the timeout does) aborts the request. */
export const fetchDeliveryDays = (baseUrl: string, query: CalendarQuery, timeoutMs: number): Effect.Effect<ReadonlyArray<string>, CalendarUnavailable> =>
  Effect.gen(function* () {
    const url = requestUrl(baseUrl, query)
    const response = yield* Effect.tryPromise({
      try: (signal) => fetch(url, { signal, headers: { accept: "application/json" } }),
      catch: (error) => noAnswer("unreachable", `GET ${url.pathname}: ${describe(error)}`)
    })
    if (!response.ok) {
      yield* Effect.tryPromise(() => response.body?.cancel() ?? Promise.resolve()).pipe(Effect.ignore)
      return yield* noAnswer("http_error", `GET ${url.pathname} answered ${response.status}`)
    }
    const body = yield* Effect.tryPromise({
      try: (): Promise<unknown> => response.json(),
      catch: (error) => noAnswer("bad_response", `GET ${url.pathname}: the body is not JSON: ${describe(error)}`)
    })
    const decoded = decodeResponse(body)
    if (decoded._tag === "Failure") return yield* noAnswer("bad_response", `GET ${url.pathname}: expected {"days": [...]}: ${String(decoded.failure)}`)
    return decoded.success.days
  }).pipe(
    Effect.timeoutOrElse({
      duration: timeoutMs,
      orElse: () => Effect.fail(noAnswer("timeout", `no answer within ${timeoutMs} ms`))
    })
  )
