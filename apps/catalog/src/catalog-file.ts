/**
 * Loading the product data file at start: read, parse as JSON, validate with the catalog's rules.
 * Any problem (missing file, bad JSON, a bad product) is an InvalidCatalog naming the file and each
 * field, so a shop owner who edited the file sees exactly what to fix and the app does not start.
 */
import { readFile } from "node:fs/promises"
import { fileURLToPath } from "node:url"
import { Effect, Result } from "effect"
import { type Catalog, InvalidCatalog, parseCatalog } from "@kasa/catalog"

export const loadCatalogFile = (file: string | URL): Effect.Effect<Catalog, InvalidCatalog> => {
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
  }).pipe(Effect.withSpan("Catalog.loadFile", { attributes: { "catalog.file": path } }))
}
