/**
 * The cart on its own: `bun apps/cart/src/main.ts`, on PORT; embedded without KAFKA_BROKERS and
 * REDIS_URL, distributed over Kafka and Redis with them.
 */
import { serveApp } from "@kasa/app-platform"
import { cartModule } from "./module.ts"

await serveApp({ name: "cart", modules: [cartModule()] })
