/**
 * Order on its own: `bun apps/order/src/main.ts`, on PORT; embedded without KAFKA_BROKERS and
 * REDIS_URL, distributed over Kafka and Redis with them; its records in PostgreSQL at DATABASE_URL,
 * else in PGlite in the process (PGLITE_DIR keeps them on disk). ADMIN_TOKEN enables the admin side.
 */
import { serveApp } from "@kasa/app-platform"
import { orderModule } from "./module.ts"

await serveApp({ name: "order", modules: [orderModule()] })
