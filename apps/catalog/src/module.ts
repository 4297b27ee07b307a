/**
 * The catalog as a module any process can mount (its own app, or the one-process shop): the product
 * catalog loaded and validated from the data file (`CATALOG_DATA_FILE`, else the shipped one; a bad
 * file stops the start naming each problem), stock reservations on the process's store, stock seeded
 * at start only where none is set (a restart never resets live stock), the expiry sweeper, the
 * consumer that commits and releases reservations as orders complete or end (`catalog-consumer`), and
 * the HTTP routes with their OpenAPI paths.
 */
import { Effect, Layer } from "effect"
import { catalogConsumer, defaultCatalogFile, seedStock } from "@kasa/catalog"
import { type AppModule, consumerSpec } from "@kasa/app-platform"
import { type CatalogBackground, layerCatalogBackground, layerProductCatalog, layerStockReservations, startExpirySweeper } from "./layers.ts"
import { catalogOpenApiPaths } from "./openapi.ts"
import { type CatalogServices, catalogRoutes } from "./routes.ts"

export interface CatalogModuleOptions {
  /** The product data file; default `CATALOG_DATA_FILE` from `env`, else the file the catalog ships. */
  readonly dataFile?: string | URL
  /** Where `CATALOG_DATA_FILE` is read from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** How often expired reservations are released; default 5 s. */
  readonly sweepIntervalMs?: number
}

export const CATALOG_DATA_FILE = "CATALOG_DATA_FILE"

export const catalogDataFile = (options: CatalogModuleOptions = {}): string | URL => {
  if (options.dataFile !== undefined) return options.dataFile
  const fromEnv = (options.env ?? process.env)[CATALOG_DATA_FILE]?.trim()
  return fromEnv === undefined || fromEnv === "" ? defaultCatalogFile : fromEnv
}

export const catalogModule = (options: CatalogModuleOptions = {}): AppModule<CatalogServices | CatalogBackground> => ({
  name: "catalog",
  layer: Layer.mergeAll(layerProductCatalog(catalogDataFile(options)), layerStockReservations, layerCatalogBackground),
  routes: catalogRoutes,
  openApiPaths: catalogOpenApiPaths,
  consumers: [consumerSpec(catalogConsumer())],
  onStart: seedStock().pipe(
    Effect.tap((seeded) => Effect.logInfo(`catalog: stock seeded for ${seeded.length} product(s)`)),
    Effect.andThen(startExpirySweeper(options.sweepIntervalMs ?? 5_000))
  )
})
