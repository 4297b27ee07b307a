/** What order's module builds for its use cases and consumer (module.ts). */
import type { OrderRecords } from "@kasa/order"

export type OrderServices = OrderRecords
