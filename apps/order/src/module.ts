/**
 * Order as a module any process can mount (its own app, or the one-process shop). It keeps records
 * (AppModule.records): its migrations run at start on PostgreSQL (DATABASE_URL) or PGlite; its use
 * cases, its consumer and their Idempotency-Key answers all commit over the records' SQL store, so an
 * order's rows, its history and its events are one transaction. ADMIN_TOKEN opens the admin side.
 */
import { Layer } from "effect"
import { layerOrderRecords, orderMigrations } from "@kasa/adapter-postgres"
import { orderConsumer } from "@kasa/order"
import { type AppModule, consumerSpec, layerFromRecords } from "@kasa/app-platform"
import { orderOpenApiPaths } from "./openapi.ts"
import { orderRoutes } from "./routes.ts"
import type { OrderServices } from "./services.ts"

export interface OrderModuleOptions {
  /** Where ADMIN_TOKEN is read from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>
}

export const orderModule = (options: OrderModuleOptions = {}): AppModule<OrderServices> => {
  const env = options.env ?? process.env
  return {
    name: "order",
    records: { name: "order", migrations: orderMigrations },
    layer: layerOrderRecords.pipe(Layer.provide(layerFromRecords)),
    routes: (runtime) => orderRoutes(runtime, { adminToken: env.ADMIN_TOKEN }),
    openApiPaths: orderOpenApiPaths,
    consumers: [consumerSpec(orderConsumer(), { overRecords: true })]
  }
}
