/**
 * Checkout on its own: `bun apps/checkout/src/main.ts`, on PORT; embedded without KAFKA_BROKERS and
 * REDIS_URL, distributed over Kafka and Redis with them (reserving stock in the same Redis the catalog
 * app seeds, reading promotion's session state there).
 */
import { serveApp } from "@kasa/app-platform"
import { checkoutModule } from "./module.ts"

await serveApp({ name: "checkout", modules: [checkoutModule()] })
