/**
 * Shipping's DeliveryCalendar port over the external calendar service at `CALENDAR_API_URL`: a
 * cached answer first (calendar-cache.ts), else one HTTP call (calendar-api.ts) under a timeout,
 * through the kernel's circuit breaker (shared/src/circuit-breaker.ts), whose state lives in this process. While the
 * breaker is open nothing is sent: the call fails fast with `circuit_open`, and shipping serves its
 * default calendar marked `degraded`. Every outcome of a call that went out is recorded, also an
 * interrupted one (as a failure), so a probe can never leave the breaker half-open for good.
 */
import { Effect, Layer } from "effect"
import { StateStore } from "@kasa/shared"
import { CalendarUnavailable, type CalendarQuery, DeliveryCalendar } from "@kasa/shipping"
import { fetchDeliveryDays } from "./calendar-api.ts"
import { readCachedDays, writeCachedDays } from "./calendar-cache.ts"
import { type BreakerPolicy, type BreakerState, makeCircuitBreaker } from "@kasa/shared"

export interface HttpCalendarOptions {
  /** The service's base URL (`CALENDAR_API_URL`). */
  readonly url: string
  /** Default 2000 ms. */
  readonly timeoutMs?: number
  /** Default: open after 5 consecutive failures, probe again after 30 s. */
  readonly breaker?: BreakerPolicy
  /** How long an answer is cached; default 600 s. */
  readonly cacheTtlSeconds?: number
  /** Wall time for the breaker's cool-down; default `Date.now` (tests move it on). */
  readonly now?: () => number
}

export const defaultBreakerPolicy: BreakerPolicy = { failureThreshold: 5, coolDownMs: 30_000 }
export const DEFAULT_TIMEOUT_MS = 2_000
export const DEFAULT_CACHE_TTL_SECONDS = 600

export interface HttpCalendar {
  readonly calendar: typeof DeliveryCalendar.Service
  /** The breaker as it stands (for tests and diagnostics). */
  readonly breaker: () => BreakerState
}

export const makeHttpCalendar = (options: HttpCalendarOptions): Effect.Effect<HttpCalendar, never, StateStore> =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const policy = options.breaker ?? defaultBreakerPolicy
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const ttl = options.cacheTtlSeconds ?? DEFAULT_CACHE_TTL_SECONDS
    const now = options.now ?? Date.now
    const breaker = makeCircuitBreaker(policy, now)

    const deliveryDays = Effect.fn("CalendarHttp.deliveryDays")(function* (query: CalendarQuery) {
      const cached = yield* readCachedDays(query)
      if (cached !== undefined) return cached
      const days = yield* breaker.protect(
        fetchDeliveryDays(options.url, query, timeoutMs),
        () => new CalendarUnavailable({ reason: "circuit_open", message: "the calendar service failed repeatedly; not calling it during the cool-down" })
      )
      yield* writeCachedDays(query, days, ttl)
      return days
    }, Effect.provideService(StateStore, store))

    return { calendar: DeliveryCalendar.of({ deliveryDays }), breaker: breaker.state }
  })

/** DeliveryCalendar over the calendar service, caching in the StateStore in context. */
export const layerHttpDeliveryCalendar = (options: HttpCalendarOptions): Layer.Layer<DeliveryCalendar, never, StateStore> =>
  Layer.effect(DeliveryCalendar, Effect.map(makeHttpCalendar(options), (http) => http.calendar))
