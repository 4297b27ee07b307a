/**
 * API documentation: `/openapi.json` (OpenAPI 3.1, the paths each mounted context contributes) and
 * `/docs`, the Scalar UI over it. The UI's script is Scalar's standalone bundle from the pinned
 * `@scalar/api-reference` package, served by the app itself at `/assets/scalar.js` (and no web
 * fonts), so the page works offline and shows the version the lock file names, not whatever a CDN
 * serves today. Contexts add their paths as they are mounted; the platform adds its own answers.
 */
import { fileURLToPath } from "node:url"
import { Scalar } from "@scalar/hono-api-reference"
import { Hono } from "hono"
import { unmatchedResponses, withPlatformEdges } from "./openapi-parts.ts"

export type OpenApiPaths = Readonly<Record<string, unknown>>

export const SCALAR_ASSET_PATH = "/assets/scalar.js"

/** The package's own file: it exports only its ESM entry, so the bundle is found beside it. */
const scalarBundle = (): string => fileURLToPath(new URL("./browser/standalone.js", import.meta.resolve("@scalar/api-reference")))

/** The document of the modules' `paths`, with the platform's edge answers written into every operation. */
export const openApiDocument = (title: string, paths: OpenApiPaths, schemas: Readonly<Record<string, unknown>> = {}) => ({
  openapi: "3.1.0",
  info: { title, version: "0.1.0", description: "Kasa: an event-driven checkout platform." },
  paths: withPlatformEdges(paths as Readonly<Record<string, Readonly<Record<string, unknown>>>>),
  components: { schemas, responses: unmatchedResponses }
})

export const docsRoutes = (title: string, paths: () => OpenApiPaths) => {
  const bundle = scalarBundle()
  return new Hono()
    .get("/openapi.json", (c) => c.json(openApiDocument(title, paths())))
    .get("/docs", Scalar({ url: "/openapi.json", pageTitle: title, cdn: SCALAR_ASSET_PATH, withDefaultFonts: false }))
    .get(SCALAR_ASSET_PATH, () => new Response(Bun.file(bundle), { headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=3600" } }))
}
