/**
 * API documentation: `/openapi.json` (OpenAPI 3.1, the paths each mounted context contributes) and
 * `/docs`, the Scalar UI over it. Contexts add their paths as they are mounted.
 */
import { Scalar } from "@scalar/hono-api-reference"
import { Hono } from "hono"
import { withEdgeResponses } from "./openapi-edges.ts"

export type OpenApiPaths = Readonly<Record<string, unknown>>

export const openApiDocument = (title: string, paths: OpenApiPaths, schemas: Readonly<Record<string, unknown>> = {}) => ({
  openapi: "3.1.0",
  info: { title, version: "0.1.0", description: "Kasa: an event-driven checkout platform." },
  paths,
  components: { schemas }
})

export const docsRoutes = (title: string, paths: () => OpenApiPaths) =>
  new Hono()
    .get("/openapi.json", (c) => c.json(openApiDocument(title, withEdgeResponses(paths()))))
    .get("/docs", Scalar({ url: "/openapi.json", pageTitle: title }))
