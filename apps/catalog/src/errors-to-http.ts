/**
 * The catalog's one table from tagged errors to HTTP (SPEC §2): unknown ids 404, bad input 400/422,
 * conflicts 409, a store that does not answer 503; each answer is problem+json with a stable code
 * and the fields a client needs (the short lines, the failing query parameter).
 */
import { type StoreUnavailable } from "@kasa/shared"
import { fieldAt, problemTable, row } from "@kasa/app-platform"
import type {
  InsufficientStock,
  InvalidCatalog,
  InvalidReservation,
  ProductNotFound,
  ReservationConflict,
  ReservationNotFound,
  ReservationReleased,
  UnknownCategory
} from "@kasa/catalog"

export type CatalogError =
  | ProductNotFound
  | UnknownCategory
  | InvalidCatalog
  | InsufficientStock
  | InvalidReservation
  | ReservationNotFound
  | ReservationConflict
  | ReservationReleased
  | StoreUnavailable

/** The table: `catalogProblems.toProblem` for the routes, `catalogProblems.responses` for the OpenAPI document (openapi.ts). */
export const catalogProblems = problemTable<CatalogError>()({
  ProductNotFound: row(404, "product_not_found", "No such product", (e) => ({ detail: e.message, offer_id: e.offer_id })),
  UnknownCategory: row(400, "validation_failed", "The request is not valid", (e) => ({
    detail: `category: ${e.message}`,
    errors: fieldAt("category", `must be one of ${e.known.join(", ")}`)
  })),
  InvalidReservation: row(422, "invalid_reservation", "The reservation cannot be taken as asked", (e) => ({ detail: e.message, problems: e.problems })),
  InsufficientStock: row(409, "insufficient_stock", "Not enough stock", (e) => ({ detail: e.message, order_id: e.order_id, lines: e.lines })),
  ReservationNotFound: row(404, "reservation_not_found", "No such reservation", (e) => ({ detail: e.message, order_id: e.order_id })),
  ReservationConflict: row(409, "reservation_conflict", "The order already has another reservation", (e) => ({ detail: e.message, order_id: e.order_id })),
  ReservationReleased: row(409, "reservation_released", "The reservation was released", (e) => ({ detail: e.message, order_id: e.order_id, reason: e.reason })),
  // Only at start (the app refuses to start); listed so the table covers every tag.
  InvalidCatalog: row(500, "invalid_catalog", "The product catalog is invalid", (e) => ({ detail: e.message })),
  StoreUnavailable: row(503, "store_unavailable", "The stock store is not answering; try again shortly")
})

export const catalogProblem = catalogProblems.toProblem
