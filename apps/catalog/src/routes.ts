/**
 * The catalog's HTTP API (SPEC §4.1): browse products, each with its live stock. Handlers only turn
 * requests into use cases and results into JSON; every failure goes through the one error table.
 */
import { Effect, Result } from "effect"
import { type Context, Hono } from "hono"
import { getProduct, listProducts, type ProductCatalog, type StockReservations } from "@kasa/catalog"
import { type ModuleRuntime, problemResponse } from "@kasa/app-platform"
import { inRequest } from "@kasa/adapter-telemetry"
import { type CatalogError, catalogProblem } from "./errors-to-http.ts"

export type CatalogServices = ProductCatalog | StockReservations

const respond = async <A>(
  c: Context,
  runtime: ModuleRuntime<CatalogServices>,
  effect: Effect.Effect<A, CatalogError, CatalogServices>,
  ok: (value: A) => Response
): Promise<Response> => {
  const result = await runtime.runPromise(inRequest(c, Effect.result(effect)))
  return Result.isSuccess(result) ? ok(result.success) : problemResponse(catalogProblem(result.failure))
}

export const catalogRoutes = (runtime: ModuleRuntime<CatalogServices>): Hono =>
  new Hono()
    .get("/catalog/products", (c) => respond(c, runtime, listProducts(c.req.query("category")), (products) => c.json({ products })))
    .get("/catalog/products/:offer_id", (c) => respond(c, runtime, getProduct(c.req.param("offer_id")), (product) => c.json(product)))
