/**
 * Which DeliveryCalendar the shipping app uses, from the environment (SPEC §8): with
 * `CALENDAR_API_URL` the HTTP calendar (timeout, circuit breaker, StateStore cache) with its knobs
 * below; without it, none, so every calendar is the computed default marked `degraded`. A malformed
 * value stops the start naming the variable.
 */
import { Effect, Layer } from "effect"
import { loadConfig, type StateStore } from "@kasa/shared"
import { integer, optional, url, withDefault } from "@kasa/shared/config"
import { DEFAULT_CACHE_TTL_SECONDS, DEFAULT_TIMEOUT_MS, defaultBreakerPolicy, layerHttpDeliveryCalendar } from "@kasa/adapter-calendar-http"
import { DeliveryCalendar, layerCalendarNotConfigured } from "@kasa/shipping"

export const calendarSpec = {
  url: optional(url("CALENDAR_API_URL")),
  timeoutMs: withDefault(integer("CALENDAR_TIMEOUT_MS", 1, 60_000), DEFAULT_TIMEOUT_MS),
  failureThreshold: withDefault(integer("CALENDAR_BREAKER_FAILURES", 1, 1_000), defaultBreakerPolicy.failureThreshold),
  coolDownMs: withDefault(integer("CALENDAR_BREAKER_COOLDOWN_MS", 0, 3_600_000), defaultBreakerPolicy.coolDownMs),
  cacheTtlSeconds: withDefault(integer("CALENDAR_CACHE_TTL_SECONDS", 1, 86_400), DEFAULT_CACHE_TTL_SECONDS)
}

export const layerCalendarFromEnv = (env: Readonly<Record<string, string | undefined>>): Layer.Layer<DeliveryCalendar, unknown, StateStore> => {
  const loaded = loadConfig(calendarSpec, env)
  if (!loaded.ok) return Layer.effect(DeliveryCalendar, Effect.fail(loaded.error))
  const config = loaded.config
  if (config.url === undefined) return layerCalendarNotConfigured
  return layerHttpDeliveryCalendar({
    url: config.url,
    timeoutMs: config.timeoutMs,
    breaker: { failureThreshold: config.failureThreshold, coolDownMs: config.coolDownMs },
    cacheTtlSeconds: config.cacheTtlSeconds
  })
}
