/**
 * Payment on its own: `bun apps/payment/src/main.ts`, on PORT; embedded without KAFKA_BROKERS and
 * REDIS_URL, distributed over Kafka and Redis with them; its records in PostgreSQL at DATABASE_URL,
 * else in PGlite in the process (PGLITE_DIR keeps them on disk).
 */
import { serveApp } from "@kasa/app-platform"
import { paymentModule } from "./module.ts"

await serveApp({ name: "payment", modules: [paymentModule()] })
