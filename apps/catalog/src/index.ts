/** @kasa/app-catalog: the catalog's module (routes, adapters, start-up seeding), for its own process or the shop. */
export * from "./errors-to-http.ts"
export * from "./module.ts"
export { catalogOpenApiPaths, catalogOperationErrors } from "./openapi.ts"
export type { CatalogServices } from "./routes.ts"
