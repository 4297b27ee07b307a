/**
 * The services app's one table from tagged errors to HTTP (SPEC §2): a line the cart (as this
 * context last saw it) does not have is 404, a store that does not answer 503. Each answer is
 * problem+json with a stable code.
 */
import { fieldAt, problemTable, row } from "@kasa/app-platform"
import type { ServicesError } from "@kasa/services"

/** The table: `servicesProblems.toProblem` for the routes, `servicesProblems.responses` for the OpenAPI document (openapi.ts). */
export const servicesProblems = problemTable<ServicesError>()({
  LineNotFound: row(404, "line_not_found", "No such cart line", (e) => ({
    detail: `the cart has no line ${e.item_id} (as of the last cart change the services context has seen)`,
    item_id: e.item_id
  })),
  ServicesUnavailable: row(503, "services_unavailable", "The services store is not answering; try again shortly")
})

export const servicesProblem = servicesProblems.toProblem
