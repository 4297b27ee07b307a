/**
 * The cart's OfferLookup from the catalog's product data file, read and validated once at start with
 * the platform's `loadDataFile` and the catalog's own rules (`parseCatalog`: every product against
 * its Product schema, no duplicate ids, warranties that say what they cover), then served from
 * memory: no file I/O per request. A file that is missing or invalid stops the start with a message
 * naming the file and each problem.
 */
import { Effect, Layer } from "effect"
import { dataFileFrom, type InvalidDataFile, loadDataFile } from "@kasa/app-platform"
import { defaultCatalogFile, parseCatalog } from "@kasa/catalog"
import { makeOfferLookup, OfferLookup } from "@kasa/cart"

export const CATALOG_DATA_FILE = "CATALOG_DATA_FILE"

/** `CATALOG_DATA_FILE` from `env` when set, else the file the catalog ships. */
export const catalogDataFile = (env: Readonly<Record<string, string | undefined>>): string | URL => dataFileFrom(env, CATALOG_DATA_FILE, defaultCatalogFile)

/** OfferLookup over the products of `file`; the catalog's Product already has every field an Offer needs. */
export const layerCatalogOffers = (file: string | URL): Layer.Layer<OfferLookup, InvalidDataFile> =>
  Layer.effect(OfferLookup, Effect.map(loadDataFile(file, parseCatalog, "catalog"), (catalog) => makeOfferLookup(catalog.byId)))
