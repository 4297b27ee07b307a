/**
 * `bun run dev`: every context in one process on PORT (default 3000). Embedded with no servers
 * around; distributed over Kafka and Redis when KAFKA_BROKERS and REDIS_URL are set.
 */
import { serveApp } from "@kasa/app-platform"
import { shopModules } from "./modules.ts"

await serveApp({ name: "shop", modules: shopModules })
