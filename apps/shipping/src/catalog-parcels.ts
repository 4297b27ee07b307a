/**
 * Shipping's ParcelSpecs from the catalog's product data file (size class and weight per offer), read
 * and validated once at start with the catalog's own rules (`parseCatalog`), then served from memory:
 * no file I/O per request or event. The same file the cart prices from (`CATALOG_DATA_FILE`, else the
 * one the catalog ships), so both contexts see the same offers. A missing or invalid file stops the
 * start with a message naming the file and each problem.
 */
import { readFile } from "node:fs/promises"
import { fileURLToPath } from "node:url"
import { Effect, Layer, Result } from "effect"
import { defaultCatalogFile, InvalidCatalog, parseCatalog } from "@kasa/catalog"
import { makeParcelSpecs, type ParcelSpec, ParcelSpecs } from "@kasa/shipping"

export const CATALOG_DATA_FILE = "CATALOG_DATA_FILE"

/** `CATALOG_DATA_FILE` from `env` when set, else the file the catalog ships. */
export const catalogDataFile = (env: Readonly<Record<string, string | undefined>>): string | URL => {
  const configured = env[CATALOG_DATA_FILE]?.trim()
  return configured === undefined || configured === "" ? defaultCatalogFile : configured
}

const loadCatalog = (file: string | URL) => {
  const path = typeof file === "string" ? file : fileURLToPath(file)
  return Effect.gen(function* () {
    const text = yield* Effect.tryPromise({
      try: () => readFile(path, "utf8"),
      catch: (error) => new InvalidCatalog({ source: path, problems: [`cannot read the file: ${error instanceof Error ? error.message : String(error)}`] })
    })
    const json = yield* Effect.try({
      try: (): unknown => JSON.parse(text),
      catch: (error) => new InvalidCatalog({ source: path, problems: [`not JSON: ${error instanceof Error ? error.message : String(error)}`] })
    })
    const parsed = parseCatalog(json, path)
    return Result.isSuccess(parsed) ? parsed.success : yield* parsed.failure
  }).pipe(Effect.withSpan("Shipping.loadCatalog", { attributes: { "catalog.file": path } }))
}

/** ParcelSpecs over the products of `file`. */
export const layerCatalogParcels = (file: string | URL): Layer.Layer<ParcelSpecs, InvalidCatalog> =>
  Layer.effect(
    ParcelSpecs,
    Effect.map(loadCatalog(file), (catalog) =>
      makeParcelSpecs(new Map(catalog.products.map((product): [string, ParcelSpec] => [product.offer_id, { size_class: product.size_class, weight_g: product.weight_g }])))
    )
  )
