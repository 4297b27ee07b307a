/**
 * Order's one table from tagged errors to HTTP (SPEC §2, §4.8). An order that is not the caller's is
 * 404 like one that does not exist (never leak existence); asking for another session's list is 403
 * (the ids are compared, nothing is looked up); a step the order's status does not allow, an order
 * that has left the shop, or one that kept changing is 409; a store that does not answer 503. (The
 * lifecycle's refund errors come only from payment's events, which the consumer dead-letters.)
 */
import type {
  IllegalTransition,
  OrderChangedConcurrently,
  OrderNotCancellable,
  OrderNotFound,
  OrdersForbidden,
  RecordsUnavailable
} from "@kasa/order"
import { fieldAt, problemTable, row } from "@kasa/app-platform"

export type OrderError =
  | IllegalTransition
  | OrderChangedConcurrently
  | OrderNotCancellable
  | OrderNotFound
  | OrdersForbidden
  | RecordsUnavailable

export const orderProblems = problemTable<OrderError>()({
  OrderNotFound: row(404, "order_not_found", "No such order", (e) => ({ detail: `there is no order ${e.order_id} for this caller`, order_id: e.order_id })),
  OrdersForbidden: row(403, "orders_forbidden", "Not this session's orders", () => ({
    detail: "session_id must be your session's own id (or left out); an admin token may name any",
    errors: fieldAt("session_id", "names another session")
  })),
  IllegalTransition: row(409, "illegal_transition", "The order's status does not allow this", (e) => ({
    detail: `order ${e.order_id} is ${e.from}: ${e.event} is not possible now`,
    order_id: e.order_id,
    order_status: e.from
  })),
  OrderNotCancellable: row(409, "order_not_cancellable", "The order can no longer be cancelled", (e) => ({
    detail: `order ${e.order_id} is ${e.status}: it has left the shop`,
    order_id: e.order_id,
    order_status: e.status
  })),
  OrderChangedConcurrently: row(409, "order_conflict", "The order kept changing", (e) => ({ detail: `it changed under this request ${e.attempts} times; nothing was applied, try again` })),
  RecordsUnavailable: row(503, "order_unavailable", "The order records are not answering; try again shortly")
})

export const orderProblem = orderProblems.toProblem
