/**
 * The one way a route answers with a use case's outcome: run it under the request's span, a success
 * as JSON with the route's status, a failure as problem+json from the app's error table. The success
 * is rendered once, by one function, both for the response and for the answer an `Idempotency-Key`
 * request commits with its work, so a replay is byte for byte what the first attempt would have sent.
 */
import { Effect } from "effect"
import type { Context } from "hono"
import { IdempotentAnswer } from "@kasa/shared"
import type { Problem } from "./problem.ts"
import { inRequest } from "@kasa/adapter-telemetry"
import type { ModuleRuntime } from "./app-module.ts"
import { problemResponse } from "./http-problems.ts"
import { answerResponse, type IdempotencyClaim, idempotentAnswer, type StoredAnswer } from "./idempotency.ts"

const JSON_HEADERS: Readonly<Record<string, string>> = { "content-type": "application/json" }

/** A responder for an app: `respond(c, useCase, 201)`. */
export const responder =
  <R, E>(runtime: Pick<ModuleRuntime<R>, "runPromise">, toProblem: (error: E) => Problem) =>
  <A>(c: Context, effect: Effect.Effect<A, E, R>, status = 200): Promise<Response> => {
    const render = (value: A): StoredAnswer => ({ status, headers: JSON_HEADERS, body: JSON.stringify(value) })
    const claim: IdempotencyClaim | undefined = c.get("idempotencyClaim")
    const program = claim === undefined ? effect : Effect.provideService(effect, IdempotentAnswer, idempotentAnswer(claim, render))
    return runtime.runPromise(
      inRequest(c, program).pipe(
        Effect.match({
          onFailure: (error) => problemResponse(toProblem(error)),
          onSuccess: (value) => answerResponse(render(value))
        })
      )
    )
  }
