/**
 * Shipping as a module any process can mount (its own app, or the one-process shop): ShippingStore
 * over the process's StateStore (memory embedded, Redis distributed), ParcelSpecs from the catalog's
 * data file (`CATALOG_DATA_FILE`, else the shipped one), the shipping rules from their data file
 * (`SHIPPING_RULES_FILE`, else the shipped one; a bad file stops the start naming each problem), the
 * DeliveryCalendar from `CALENDAR_API_URL` (none: the default calendar, degraded), the
 * HTTP routes with their OpenAPI paths, and the shipping-consumer on cart-events.
 */
import { Layer } from "effect"
import { type DeliveryCalendar, layerShippingStore, shippingConsumer } from "@kasa/shipping"
import type { StateStore } from "@kasa/shared"
import { type AppModule, consumerSpec } from "@kasa/app-platform"
import { layerCalendarFromEnv } from "./calendar-config.ts"
import { catalogDataFile, layerCatalogParcels } from "./catalog-parcels.ts"
import { shippingOpenApiPaths } from "./openapi.ts"
import { layerShippingRulesFile, shippingRulesFile } from "./rules-file.ts"
import { type ShippingServices, shippingRoutes } from "./routes.ts"

export interface ShippingModuleOptions {
  /** The product data file; default `CATALOG_DATA_FILE` from `env`, else the file the catalog ships. */
  readonly catalogFile?: string | URL
  /** The shipping rules file; default `SHIPPING_RULES_FILE` from `env`, else the file the shipping context ships. */
  readonly rulesFile?: string | URL
  /** Where `CATALOG_DATA_FILE`, `SHIPPING_RULES_FILE` and the `CALENDAR_*` variables are read from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** The delivery calendar; default from `CALENDAR_API_URL` (see calendar-config.ts). */
  readonly calendar?: Layer.Layer<DeliveryCalendar, unknown, StateStore>
}

export const shippingModule = (options: ShippingModuleOptions = {}): AppModule<ShippingServices> => {
  const env = options.env ?? process.env
  return {
    name: "shipping",
    layer: Layer.mergeAll(
      layerShippingStore,
      layerCatalogParcels(options.catalogFile ?? catalogDataFile(env)),
      layerShippingRulesFile(options.rulesFile ?? shippingRulesFile(env)),
      options.calendar ?? layerCalendarFromEnv(env)
    ),
    routes: shippingRoutes,
    openApiPaths: shippingOpenApiPaths,
    consumers: [consumerSpec(shippingConsumer())]
  }
}
