/**
 * The services context on its own: `bun apps/services/src/main.ts`, on PORT; embedded without
 * KAFKA_BROKERS and REDIS_URL, distributed over Kafka and Redis with them.
 */
import { serveApp } from "@kasa/app-platform"
import { servicesModule } from "./module.ts"

await serveApp({ name: "services", modules: [servicesModule()] })
