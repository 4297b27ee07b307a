/**
 * The calendar service's answers cached in the StateStore (Redis distributed, memory embedded) under
 * SPEC §4.3's `calendar:{method}:{postal_code}` (the postal code country-qualified, see
 * `calendarLocation`), with a TTL. An entry remembers the window it was asked for and serves only
 * that window, so an answer fetched yesterday is not offered as today's. The cache is best effort:
 * a store that does not answer is a miss, a failed write is forgotten, an unreadable entry is a miss.
 */
import { Effect, Schema } from "effect"
import { StateStore } from "@kasa/shared"
import { type CalendarQuery, calendarLocation, ShippingKeys } from "@kasa/shipping"

const CachedDays = Schema.Struct({ from: Schema.String, to: Schema.String, days: Schema.Array(Schema.String) })
const decodeCached = Schema.decodeUnknownResult(CachedDays)

export const calendarCacheKey = (query: CalendarQuery): string => ShippingKeys.calendar(query.method_id, calendarLocation(query.country, query.postal_code))

export const readCachedDays = (query: CalendarQuery): Effect.Effect<ReadonlyArray<string> | undefined, never, StateStore> =>
  Effect.flatMap(StateStore, (store) => store.get(calendarCacheKey(query))).pipe(
    Effect.map((raw) => {
      if (raw === undefined) return undefined
      let json: unknown
      try {
        json = JSON.parse(raw)
      } catch {
        return undefined
      }
      const decoded = decodeCached(json)
      if (decoded._tag === "Failure") return undefined
      return decoded.success.from === query.from && decoded.success.to === query.to ? decoded.success.days : undefined
    }),
    Effect.orElseSucceed(() => undefined)
  )

export const writeCachedDays = (query: CalendarQuery, days: ReadonlyArray<string>, ttlSeconds: number): Effect.Effect<void, never, StateStore> =>
  Effect.flatMap(StateStore, (store) =>
    store.commit({ ops: [{ op: "set", key: calendarCacheKey(query), value: JSON.stringify({ from: query.from, to: query.to, days }), ttlSeconds }] })
  ).pipe(Effect.ignore)
