/**
 * The cart as a module any process can mount (its own app, or the one-process shop): CartStore over
 * the process's StateStore (memory embedded, Redis distributed), OfferLookup from the catalog's data
 * file (`CATALOG_DATA_FILE`, else the shipped one; a bad file stops the start naming each problem),
 * ServicePricing from the services rules (`SERVICES_RULES_FILE`, else the file the services context
 * ships; likewise checked at start), the HTTP routes with their OpenAPI paths, and the cart-consumer
 * on checkout-events.
 */
import { Layer } from "effect"
import { cartConsumer, CartVersionFloor, layerCartStore, type ServicePricing } from "@kasa/cart"
import { type AppModule, consumerSpec } from "@kasa/app-platform"
import { catalogDataFile, layerCatalogOffers } from "./catalog-offers.ts"
import { cartOpenApiPaths } from "./openapi.ts"
import { type CartServices, cartRoutes } from "./routes.ts"
import { layerServicesRulesPricing, servicesRulesFile } from "./service-pricing.ts"

export interface CartModuleOptions {
  /** The product data file; default `CATALOG_DATA_FILE` from `env`, else the file the catalog ships. */
  readonly catalogFile?: string | URL
  /** Where `CATALOG_DATA_FILE` and `SERVICES_RULES_FILE` are read from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** The services rules file; default `SERVICES_RULES_FILE` from `env`, else the file the services context ships. */
  readonly servicesRulesFile?: string | URL
  /** How service lines are priced; default: from the services rules file. */
  readonly servicePricing?: Layer.Layer<ServicePricing, unknown>
  /** Where a new cart's versions start; default the clock (`clockFloor`). Tests that assert exact numbering pin it. */
  readonly versionFloor?: (nowMs: number) => number
}

export const cartModule = (options: CartModuleOptions = {}): AppModule<CartServices> => {
  const env = options.env ?? process.env
  return {
    name: "cart",
    layer: Layer.mergeAll(
      layerCartStore,
      layerCatalogOffers(options.catalogFile ?? catalogDataFile(env)),
      options.servicePricing ?? layerServicesRulesPricing(options.servicesRulesFile ?? servicesRulesFile(env)),
      options.versionFloor === undefined ? Layer.empty : Layer.succeed(CartVersionFloor, options.versionFloor)
    ),
    routes: cartRoutes,
    openApiPaths: cartOpenApiPaths,
    consumers: [consumerSpec(cartConsumer())]
  }
}
