/**
 * The DeliveryCalendar of a shop with no calendar service (no `CALENDAR_API_URL`): it never has an
 * answer, so every calendar is the computed default with `degraded: true` (SPEC §4.3, §9).
 */
import { Effect, Layer } from "effect"
import { CalendarUnavailable } from "./errors.ts"
import { DeliveryCalendar } from "./ports.ts"

export const layerCalendarNotConfigured: Layer.Layer<DeliveryCalendar> = Layer.succeed(
  DeliveryCalendar,
  DeliveryCalendar.of({
    deliveryDays: () => Effect.fail(new CalendarUnavailable({ reason: "not_configured", message: "no calendar service is configured" }))
  })
)
