/**
 * Loading the product data file at start: read by the platform's `loadDataFile` (JSON, or YAML),
 * validated with the catalog's rules (`parseCatalog`). Any problem (missing file, bad JSON, a bad
 * product) stops the start with a message naming the file and each field, so a shop owner who
 * edited the file sees exactly what to fix.
 */
import type { Effect } from "effect"
import { type InvalidDataFile, loadDataFile } from "@kasa/app-platform"
import { type Catalog, parseCatalog } from "@kasa/catalog"

export const loadCatalogFile = (file: string | URL): Effect.Effect<Catalog, InvalidDataFile> => loadDataFile(file, parseCatalog, "catalog")
