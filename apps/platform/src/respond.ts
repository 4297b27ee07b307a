/**
 * The one way a route answers with a use case's outcome: run it under the request's span, a success
 * as JSON with the route's status, a failure as problem+json from the app's error table. The success
 * is rendered once, by one function, both for the response and for the answer an `Idempotency-Key`
 * request commits with its work, so a replay is byte for byte what the first attempt would have sent.
 * A command's response names the events it caused (`X-Event-Ids`, comma-separated, in the order they
 * were committed), so a client can wait for a projection to apply them (SPEC §4.7's `?after=`).
 */
import { Effect } from "effect"
import type { Context } from "hono"
import { CausedEvents, causedEventsCollector, IdempotentAnswer, jsonOf } from "@kasa/shared"
import type { Problem } from "./problem.ts"
import { inRequest } from "@kasa/adapter-telemetry"
import type { ModuleRuntime } from "./app-module.ts"
import { problemResponse } from "./http-problems.ts"
import { answerResponse, type IdempotencyClaim, idempotentAnswer, type StoredAnswer } from "./idempotency.ts"

const JSON_HEADERS: Readonly<Record<string, string>> = { "content-type": "application/json" }

/** The response header that lists the ids of the events a command caused. */
export const EVENT_IDS_HEADER = "x-event-ids"

const headersFor = (eventIds: ReadonlyArray<string>): Readonly<Record<string, string>> =>
  eventIds.length === 0 ? JSON_HEADERS : { ...JSON_HEADERS, [EVENT_IDS_HEADER]: eventIds.join(",") }

/** A responder for an app: `respond(c, useCase, 201)`. */
export const responder =
  <R, E>(runtime: Pick<ModuleRuntime<R>, "runPromise">, toProblem: (error: E) => Problem) =>
  <A>(c: Context, effect: Effect.Effect<A, E, R>, status = 200): Promise<Response> => {
    const render = (value: A, eventIds: ReadonlyArray<string>): StoredAnswer => ({ status, headers: headersFor(eventIds), body: jsonOf(value) })
    const claim: IdempotencyClaim | undefined = c.get("idempotencyClaim")
    const caused = causedEventsCollector()
    const keyed = claim === undefined ? effect : Effect.provideService(effect, IdempotentAnswer, idempotentAnswer(claim, render))
    const program = Effect.provideService(keyed, CausedEvents, caused.service)
    return runtime.runPromise(
      inRequest(c, program).pipe(
        Effect.match({
          onFailure: (error) => problemResponse(toProblem(error)),
          onSuccess: (value) => answerResponse(render(value, caused.ids))
        })
      )
    )
  }
