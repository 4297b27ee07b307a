/**
 * The cart as a module any process can mount (its own app, or the one-process shop): CartStore over
 * the process's StateStore (memory embedded, Redis distributed), OfferLookup from the catalog's data
 * file (`CATALOG_DATA_FILE`, else the shipped one; a bad file stops the start naming each problem),
 * ServicePricing that refuses service lines until the services context exists, the HTTP routes with
 * their OpenAPI paths, and the cart-consumer on checkout-events.
 */
import { Layer } from "effect"
import { cartConsumer, layerCartStore, type ServicePricing } from "@kasa/cart"
import { runConsumer } from "@kasa/shared"
import type { AppModule } from "@kasa/app-platform"
import { catalogDataFile, layerCatalogOffers } from "./catalog-offers.ts"
import { cartOpenApiPaths } from "./openapi.ts"
import { type CartServices, cartRoutes } from "./routes.ts"
import { layerServiceLinesNotYetAvailable } from "./service-pricing.ts"

export interface CartModuleOptions {
  /** The product data file; default `CATALOG_DATA_FILE` from `env`, else the file the catalog ships. */
  readonly catalogFile?: string | URL
  /** Where `CATALOG_DATA_FILE` is read from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** How service lines are priced; default: refused until the services context lands. */
  readonly servicePricing?: Layer.Layer<ServicePricing>
}

export const cartModule = (options: CartModuleOptions = {}): AppModule<CartServices> => {
  const consumer = cartConsumer()
  return {
    name: "cart",
    layer: Layer.mergeAll(
      layerCartStore,
      layerCatalogOffers(options.catalogFile ?? catalogDataFile(options.env ?? process.env)),
      options.servicePricing ?? layerServiceLinesNotYetAvailable
    ),
    routes: cartRoutes,
    openApiPaths: cartOpenApiPaths,
    consumers: [{ group: consumer.group, topics: consumer.topics, start: runConsumer(consumer) }]
  }
}
