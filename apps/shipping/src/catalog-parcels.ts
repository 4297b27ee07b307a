/**
 * Shipping's ParcelSpecs from the catalog's product data file (size class and weight per offer), read
 * and validated once at start with the platform's `loadDataFile` and the catalog's own rules
 * (`parseCatalog`), then served from memory: no file I/O per request or event. The same file the
 * cart prices from (`CATALOG_DATA_FILE`, else the one the catalog ships), so both contexts see the
 * same offers. A missing or invalid file stops the start with a message naming the file and each
 * problem.
 */
import { Effect, Layer } from "effect"
import { dataFileFrom, type InvalidDataFile, loadDataFile } from "@kasa/app-platform"
import { defaultCatalogFile, parseCatalog } from "@kasa/catalog"
import { makeParcelSpecs, type ParcelSpec, ParcelSpecs } from "@kasa/shipping"

export const CATALOG_DATA_FILE = "CATALOG_DATA_FILE"

/** `CATALOG_DATA_FILE` from `env` when set, else the file the catalog ships. */
export const catalogDataFile = (env: Readonly<Record<string, string | undefined>>): string | URL => dataFileFrom(env, CATALOG_DATA_FILE, defaultCatalogFile)

/** ParcelSpecs over the products of `file`. */
export const layerCatalogParcels = (file: string | URL): Layer.Layer<ParcelSpecs, InvalidDataFile> =>
  Layer.effect(
    ParcelSpecs,
    Effect.map(loadDataFile(file, parseCatalog, "catalog"), (catalog) =>
      makeParcelSpecs(new Map(catalog.products.map((product): [string, ParcelSpec] => [product.offer_id, { size_class: product.size_class, weight_g: product.weight_g }])))
    )
  )
