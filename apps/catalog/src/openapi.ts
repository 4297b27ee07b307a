/**
 * The catalog's OpenAPI 3.1 paths, merged by the platform into `/openapi.json`. The product schema is
 * derived from the catalog's own Product Schema, so the document cannot drift from what is served.
 */
import { Schema } from "effect"
import { categories, getProduct, listProducts, Product } from "@kasa/catalog"
import { errorsOf, type OpenApiPaths } from "@kasa/app-platform"
import { catalogProblems } from "./errors-to-http.ts"

const productSchema = Schema.toJsonSchemaDocument(Product).schema

/** What each operation's use case can fail with (checked by `errorsOf`); its error responses are derived from these. */
export const catalogOperationErrors = {
  "GET /catalog/products": errorsOf(listProducts, ["UnknownCategory", "StoreUnavailable"]),
  "GET /catalog/products/{offer_id}": errorsOf(getProduct, ["ProductNotFound", "StoreUnavailable"])
}

export const catalogOpenApiPaths: OpenApiPaths = catalogProblems.documented(catalogOperationErrors, {
  "/catalog/products": {
    get: {
      operationId: "listProducts",
      tags: ["catalog"],
      summary: "Products with their live stock",
      description: "Every product of the catalog, or those of one category, with `stock` the units available now (after reservations).",
      parameters: [{ name: "category", in: "query", required: false, schema: { type: "string", enum: [...categories] } }],
      responses: {
        "200": {
          description: "The products",
          content: { "application/json": { schema: { type: "object", required: ["products"], properties: { products: { type: "array", items: productSchema } } } } }
        }
      }
    }
  },
  "/catalog/products/{offer_id}": {
    get: {
      operationId: "getProduct",
      tags: ["catalog"],
      summary: "One product with its live stock",
      parameters: [{ name: "offer_id", in: "path", required: true, schema: { type: "string" } }],
      responses: {
        "200": { description: "The product", content: { "application/json": { schema: productSchema } } }
      }
    }
  }
})
