/**
 * The catalog's one table from tagged errors to HTTP (SPEC §2): unknown ids 404, bad input 400/422,
 * conflicts 409, a store that does not answer 503; each answer is problem+json with a stable code
 * and the fields a client needs (the short lines, the failing query parameter).
 */
import { type StoreUnavailable } from "@kasa/shared"
import { type Problem, problem } from "@kasa/app-platform"
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

type Row<E> = (error: E) => Problem

const table: { readonly [T in CatalogError["_tag"]]: Row<Extract<CatalogError, { readonly _tag: T }>> } = {
  ProductNotFound: (e) => problem(404, "product_not_found", "No such product", { detail: e.message, offer_id: e.offer_id }),
  UnknownCategory: (e) =>
    problem(400, "validation_failed", "The request is not valid", {
      detail: `category: ${e.message}`,
      errors: [{ field: "category", message: `must be one of ${e.known.join(", ")}` }]
    }),
  InvalidReservation: (e) => problem(422, "invalid_reservation", "The reservation cannot be taken as asked", { detail: e.message, problems: e.problems }),
  InsufficientStock: (e) => problem(409, "insufficient_stock", "Not enough stock", { detail: e.message, order_id: e.order_id, lines: e.lines }),
  ReservationNotFound: (e) => problem(404, "reservation_not_found", "No such reservation", { detail: e.message, order_id: e.order_id }),
  ReservationConflict: (e) => problem(409, "reservation_conflict", "The order already has another reservation", { detail: e.message, order_id: e.order_id }),
  ReservationReleased: (e) => problem(409, "reservation_released", "The reservation was released", { detail: e.message, order_id: e.order_id, reason: e.reason }),
  // Only at start (the app refuses to start); listed so the table covers every tag.
  InvalidCatalog: (e) => problem(500, "invalid_catalog", "The product catalog is invalid", { detail: e.message }),
  StoreUnavailable: () => problem(503, "store_unavailable", "The stock store is not answering; try again shortly")
}

export const catalogProblem = (error: CatalogError): Problem => (table[error._tag] as Row<CatalogError>)(error)
