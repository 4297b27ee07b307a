/**
 * Shipping on its own: `bun apps/shipping/src/main.ts`, on PORT; embedded without KAFKA_BROKERS and
 * REDIS_URL, distributed over Kafka and Redis with them; the calendar service at CALENDAR_API_URL.
 */
import { serveApp } from "@kasa/app-platform"
import { shippingModule } from "./module.ts"

await serveApp({ name: "shipping", modules: [shippingModule()] })
