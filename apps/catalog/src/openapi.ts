/**
 * The catalog's OpenAPI 3.1 paths, merged by the platform into `/openapi.json`. The product schema is
 * derived from the catalog's own Product Schema, so the document cannot drift from what is served.
 */
import { Schema } from "effect"
import { categories, Product } from "@kasa/catalog"
import { type OpenApiPaths, problemResponseSpec as problemResponse, withPlatformEdges } from "@kasa/app-platform"

const productSchema = Schema.toJsonSchemaDocument(Product).schema

export const catalogOpenApiPaths: OpenApiPaths = withPlatformEdges({
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
        },
        "400": problemResponse("Unknown category (the problem names the `category` field)"),
        "503": problemResponse("The stock store is not answering")
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
        "200": { description: "The product", content: { "application/json": { schema: productSchema } } },
        "404": problemResponse("No product with this offer id"),
        "503": problemResponse("The stock store is not answering")
      }
    }
  }
})
