/**
 * ServicePricing until the services context lands (issue #4): every service line is refused with a
 * clear reason, so `POST /cart/items` with `type: service` answers 422 and changes nothing. The port
 * and the cart's rules for service lines are already in place; only this adapter will change.
 */
import { Effect, Layer } from "effect"
import { ServiceNotAvailable, ServicePricing } from "@kasa/cart"

export const SERVICES_NOT_AVAILABLE = "service lines are not available yet"

export const layerServiceLinesNotYetAvailable: Layer.Layer<ServicePricing> = Layer.succeed(
  ServicePricing,
  ServicePricing.of({ quote: ({ service_id }) => Effect.fail(new ServiceNotAvailable({ service_id, reason: SERVICES_NOT_AVAILABLE })) })
)
