/**
 * The promotion on its own: `bun apps/promotion/src/main.ts`, on PORT; embedded without
 * KAFKA_BROKERS and REDIS_URL, distributed over Kafka and Redis with them.
 */
import { serveApp } from "@kasa/app-platform"
import { promotionModule } from "./module.ts"

await serveApp({ name: "promotion", modules: [promotionModule()] })
