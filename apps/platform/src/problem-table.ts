/**
 * An app's one table from its contexts' tagged errors to HTTP (SPEC §2), written as data: per tag a
 * status, a stable code, a title and the members a client needs from the error. Written once here,
 * the table gives both the mapping a responder uses and the OpenAPI error responses of an operation,
 * so the document cannot name a status the code never answers or miss one it does. The rows are a
 * mapped type over the error union: a tag without a row, or a row for no tag, does not typecheck.
 */
import type { Effect } from "effect"
import type { FieldProblem, Problem } from "./problem.ts"
import { problem } from "./problem.ts"
import { problemResponseSpec } from "./openapi-parts.ts"

type Tagged = { readonly _tag: string }

/** What a row adds to the problem besides its status, code and title. */
export type ProblemMembers = Omit<Partial<Problem>, "status" | "code" | "title" | "type">

export interface ProblemRow<E> {
  readonly status: number
  readonly code: string
  readonly title: string
  readonly members: (error: E) => ProblemMembers
}

export type ProblemRows<E extends Tagged> = { readonly [T in E["_tag"]]: ProblemRow<Extract<E, { readonly _tag: T }>> }

/** One row: `row(404, "offer_not_found", "No such offer", (e) => ({ detail: ... }))`. */
export const row = <E>(status: number, code: string, title: string, members: (error: E) => ProblemMembers = () => ({})): ProblemRow<E> => ({
  status,
  code,
  title,
  members
})

/** The `errors` member naming one failing field. */
export const fieldAt = (field: string, message: string): ReadonlyArray<FieldProblem> => [{ field, message }]

/** The error tags a use case (an Effect-returning function) can fail with. */
export type ErrorTags<F> = F extends (...args: never) => Effect.Effect<unknown, infer E, unknown> ? (E extends Tagged ? E["_tag"] : never) : never

/** Nothing when `L` names every tag of `T`; otherwise a member that says which are missing. */
type Covering<T extends string, L extends ReadonlyArray<string>> = [Exclude<T, L[number]>] extends [never] ? unknown : { readonly missing: Exclude<T, L[number]> }

/**
 * The tags a use case can fail with, checked by the compiler to be exactly those of its error type:
 * `errorsOf(addItem, ["OfferNotFound", ...])`. What an operation declares here is what its use case
 * can do, so a new error in the context breaks the build until the document lists it.
 */
export const errorsOf = <F extends (...args: never) => Effect.Effect<unknown, Tagged, unknown>, const L extends ReadonlyArray<ErrorTags<F>>>(
  _useCase: F,
  tags: L & Covering<ErrorTags<F>, L>
): L => tags

/** OpenAPI path items: path → method → operation. */
export type OpenApiPathItems = Readonly<Record<string, Readonly<Record<string, unknown>>>>

/** OpenAPI responses by status: a description, and the content a problem+json answer has. */
export type ErrorResponses = Readonly<Record<string, { readonly description: string; readonly content?: unknown }>>

export interface ProblemTable<E extends Tagged> {
  readonly rows: ProblemRows<E>
  /** The problem a failure answers with. */
  readonly toProblem: (error: E) => Problem
  /**
   * The OpenAPI responses of an operation whose use case can fail with `tags`: one per status, its
   * description naming the codes. `own` are the operation's answers that come from elsewhere (the
   * route's body checks): a status both give keeps `own`'s schema and names both.
   */
  readonly responses: (tags: ReadonlyArray<E["_tag"]>, own?: ErrorResponses) => ErrorResponses
  /**
   * OpenAPI `paths` with each declared operation's error responses written in (merged with those it
   * states itself), from `{ "POST /cart/items": errorsOf(addItem, [...]) }`. A declared operation
   * the paths do not have throws when the module loads, so a renamed path cannot lose its errors.
   */
  readonly documented: <P extends OpenApiPathItems>(operations: Readonly<Record<string, ReadonlyArray<E["_tag"]>>>, paths: P) => P
}

/** Each code once, with its title, in the table's order. */
const describe = (rows: ReadonlyArray<ProblemRow<never>>): string =>
  rows
    .filter((r, i) => rows.findIndex((first) => first.code === r.code) === i)
    .map((r) => `${r.title} (${r.code})`)
    .join("; ")

export const problemTable =
  <E extends Tagged>() =>
  (rows: ProblemRows<E>): ProblemTable<E> => {
    const lookup = rows as unknown as Readonly<Record<string, ProblemRow<E>>>
    const toProblem = (error: E): Problem => {
      const r = lookup[error._tag]!
      return problem(r.status, r.code, r.title, r.members(error))
    }
    const responses = (tags: ReadonlyArray<E["_tag"]>, own: ErrorResponses = {}): ErrorResponses => {
      const byStatus = new Map<string, Array<ProblemRow<never>>>()
      for (const tag of tags) {
        const r = lookup[tag] as ProblemRow<never>
        byStatus.set(String(r.status), [...(byStatus.get(String(r.status)) ?? []), r])
      }
      const derived = Object.fromEntries(
        [...byStatus].map(([status, statusRows]) => {
          const mine = own[status]
          const description = describe(statusRows)
          return [status, mine === undefined ? problemResponseSpec(description) : { ...mine, description: `${mine.description}; or ${description}` }]
        })
      )
      return { ...own, ...derived }
    }
    return {
      rows,
      toProblem,
      responses,
      documented: (operations, paths) => {
        const out: Record<string, Record<string, unknown>> = Object.fromEntries(Object.entries(paths).map(([path, item]) => [path, { ...item }]))
        for (const [name, tags] of Object.entries(operations)) {
          const [method = "", path = ""] = name.split(" ")
          const operation = out[path]?.[method.toLowerCase()] as { readonly responses?: ErrorResponses } | undefined
          if (operation === undefined) throw new Error(`errors declared for ${name}, which the OpenAPI paths do not have`)
          out[path]![method.toLowerCase()] = { ...operation, responses: responses(tags, operation.responses) }
        }
        return out as typeof paths
      }
    }
  }
