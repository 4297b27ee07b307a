/**
 * The catalog as its own process: embedded without KAFKA_BROKERS/REDIS_URL, distributed with them;
 * CATALOG_DATA_FILE names another product file.
 */
import { serveApp } from "@kasa/app-platform"
import { catalogModule } from "./module.ts"

await serveApp({ name: "catalog", modules: [catalogModule()] })
