/**
 * The promotion as a module any process can mount (its own app, or the one-process shop): the rules
 * from their file (`PROMOTION_RULES_FILE`, else the shipped one; a bad file stops the start naming
 * each problem), PromotionStore over the process's StateStore, the code counters by mode, the HTTP
 * routes with their OpenAPI paths, and the promotion-consumer on cart-events and checkout-events.
 */
import { Layer } from "effect"
import { layerPromotionStore, promotionConsumer } from "@kasa/promotion"
import { type AppModule, consumerSpec } from "@kasa/app-platform"
import { layerCodeUsage } from "./layers.ts"
import { promotionOpenApiPaths } from "./openapi.ts"
import { type PromotionServices, promotionRoutes } from "./routes.ts"
import { layerRulesFile, rulesFileFrom } from "./rules-file.ts"

export interface PromotionModuleOptions {
  /** The rules file; default `PROMOTION_RULES_FILE` from `env`, else the file the promotion context ships. */
  readonly rulesFile?: string | URL
  /** Where `PROMOTION_RULES_FILE` is read from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>
}

export const promotionModule = (options: PromotionModuleOptions = {}): AppModule<PromotionServices> => {
  return {
    name: "promotion",
    layer: Layer.mergeAll(layerPromotionStore, layerRulesFile(options.rulesFile ?? rulesFileFrom(options.env ?? process.env)), layerCodeUsage),
    routes: promotionRoutes,
    openApiPaths: promotionOpenApiPaths,
    consumers: [consumerSpec(promotionConsumer())]
  }
}
