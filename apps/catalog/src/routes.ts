/**
 * The catalog's HTTP API (SPEC §4.1): browse products, each with its live stock. Handlers only turn
 * requests into use cases and results into JSON; every failure goes through the one error table.
 */
import { Effect } from "effect"
import { Hono } from "hono"
import { getProduct, listProducts, type ProductCatalog, type StockReservations } from "@kasa/catalog"
import { type ModuleRuntime, responder } from "@kasa/app-platform"
import { catalogProblem } from "./errors-to-http.ts"

export type CatalogServices = ProductCatalog | StockReservations

export const catalogRoutes = (runtime: ModuleRuntime<CatalogServices>): Hono => {
  const respond = responder(runtime, catalogProblem)
  return new Hono()
    .get("/catalog/products", (c) => respond(c, Effect.map(listProducts(c.req.query("category")), (products) => ({ products }))))
    .get("/catalog/products/:offer_id", (c) => respond(c, getProduct(c.req.param("offer_id"))))
}
