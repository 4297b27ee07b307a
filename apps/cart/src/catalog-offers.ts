/**
 * The cart's OfferLookup from the catalog's product data file, read and validated once at start with
 * the catalog's own rules (`parseCatalog`: every product against its Product schema, no duplicate
 * ids, warranties that say what they cover), then served from memory: no file I/O per request. A file
 * that is missing or invalid stops the start with a message naming the file and each problem.
 */
import { readFile } from "node:fs/promises"
import { fileURLToPath } from "node:url"
import { Effect, Layer, Result } from "effect"
import { defaultCatalogFile, InvalidCatalog, parseCatalog } from "@kasa/catalog"
import { makeOfferLookup, OfferLookup } from "@kasa/cart"

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
  }).pipe(Effect.withSpan("Cart.loadCatalog", { attributes: { "catalog.file": path } }))
}

/** OfferLookup over the products of `file`; the catalog's Product already has every field an Offer needs. */
export const layerCatalogOffers = (file: string | URL): Layer.Layer<OfferLookup, InvalidCatalog> =>
  Layer.effect(OfferLookup, Effect.map(loadCatalog(file), (catalog) => makeOfferLookup(catalog.byId)))
