/**
 * `Idempotency-Key` on POST (SPEC §2): the first request with a key claims it and runs; its answer is
 * written in the same atomic commit as its work (the responder provides `IdempotentAnswer`, the
 * context's command commits it with its state), so a retry after an unclear outcome (a timeout once
 * the commit reached the store) gets that answer replayed and the work is never done twice. A key
 * whose first attempt is still running, or ended unclear, answers 409 `request_in_progress`; the same
 * key with a different body is a 422. An answer decided without writing anything (a refusal, a
 * command that changed nothing) is stored after the fact. Keys are scoped by the verified session
 * and the route, so the middleware runs after `identify` and only on the routes that declare it.
 */
import { Effect } from "effect"
import type { MiddlewareHandler } from "hono"
import { type AnswerCommitOutcome, IdempotentAnswer, StateStore } from "@kasa/shared"
import { edgeProblem, edges } from "./edge-problems.ts"
import type { AppRuntime } from "./app-module.ts"
import { problemResponse } from "./http-problems.ts"
import type { SessionEnv } from "./session.ts"

export const IDEMPOTENCY_HEADER = "idempotency-key"
export const REPLAYED_HEADER = "idempotent-replayed"
/** How long a key is remembered, its claim included: a claim never lapses into a second run. */
export const IDEMPOTENCY_RETENTION_SECONDS = 24 * 60 * 60

/** A response as stored and replayed: X-Session-Id and X-Correlation-Id are the edge's, added on every response. */
export interface StoredAnswer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

interface StoredRecord extends StoredAnswer {
  readonly fingerprint: string
}

/** The claim a request holds on its key while it runs, for the responder to turn into an `IdempotentAnswer`. */
export interface IdempotencyClaim {
  readonly key: string
  readonly claim: string
  readonly fingerprint: string
  readonly report: (outcome: AnswerCommitOutcome) => void
}

declare module "hono" {
  interface ContextVariableMap {
    idempotencyClaim: IdempotencyClaim
  }
}

const CLAIM_PREFIX = "claim:"
const digest = (text: string): string => new Bun.CryptoHasher("sha256").update(text).digest("hex")
const recordJson = (fingerprint: string, answer: StoredAnswer): string => JSON.stringify({ fingerprint, ...answer } satisfies StoredRecord)

export const answerResponse = (answer: StoredAnswer): Response => new Response(answer.body, { status: answer.status, headers: answer.headers })

/** The service a use case runs with so its command commits `render(result)` as the key's answer. */
export const idempotentAnswer = <A>(claim: IdempotencyClaim, render: (result: A, eventIds: ReadonlyArray<string>) => StoredAnswer): IdempotentAnswer["Service"] =>
  IdempotentAnswer.of({
    key: claim.key,
    claim: claim.claim,
    ttlSeconds: IDEMPOTENCY_RETENTION_SECONDS,
    record: (result, eventIds) => recordJson(claim.fingerprint, render(result as A, eventIds)),
    report: claim.report
  })

const inProgress = () =>
  problemResponse(
    edgeProblem(edges.requestInProgress, {
      detail: "a request with this Idempotency-Key is still running, or ended without a clear outcome; it is never run twice"
    })
  )
const reused = () =>
  problemResponse(edgeProblem(edges.idempotencyKeyReused, { detail: "this Idempotency-Key was used with a different request body" }))

/** Takes the key for this request, or says what the key already holds (a claim or a stored record). */
const claimKey = (runtime: StoreRunner, key: string, claim: string) =>
  runtime.runPromise(
    Effect.flatMap(StateStore, (store) =>
      store.commit({ expect: [{ key, value: undefined }], ops: [{ op: "set", key, value: claim, ttlSeconds: IDEMPOTENCY_RETENTION_SECONDS }] }).pipe(
        Effect.as<string | undefined>(undefined),
        Effect.catchTag("WriteConflict", () => Effect.map(store.get(key), (value) => value ?? CLAIM_PREFIX))
      )
    )
  )

/** Replaces the claim (if still ours) by the record, or by nothing; a failure leaves the claim, which is the safe side. */
const settle = (runtime: StoreRunner, key: string, claim: string, record: string | undefined) =>
  runtime.runPromise(
    Effect.flatMap(StateStore, (store) =>
      store.commit({
        expect: [{ key, value: claim }],
        ops: [record === undefined ? { op: "delete", key } : { op: "set", key, value: record, ttlSeconds: IDEMPOTENCY_RETENTION_SECONDS }]
      })
    ).pipe(Effect.ignore)
  )

/** What runs the claim's commits: the app's runtime, or a records module's view of it (records-state.ts). */
export interface StoreRunner {
  readonly runPromise: <A, E>(effect: Effect.Effect<A, E, StateStore>) => Promise<A>
}

export const idempotency = (runtime: StoreRunner): MiddlewareHandler<SessionEnv> => async (c, next) => {
  const key = c.req.header(IDEMPOTENCY_HEADER)
  if (c.req.method !== "POST" || key === undefined) return next()
  if (key.length === 0 || key.length > 255) {
    return problemResponse(edgeProblem(edges.invalidIdempotencyKey, { detail: "Idempotency-Key must be 1 to 255 characters" }))
  }
  // Scoped by the session `identify` verified; without one there is nothing safe to scope by.
  const scope: string | undefined = c.get("sessionId")
  if (scope === undefined) return next()
  const storeKey = `idempotency:${digest(`${scope}\u0000${c.req.method}\u0000${c.req.path}\u0000${key}`)}`
  // Hono caches the text, so the route's JSON read does not buffer the body again.
  const fingerprint = digest(await c.req.text())
  const claim = `${CLAIM_PREFIX}${fingerprint}:${crypto.randomUUID()}`

  let held: string | undefined
  try {
    held = await claimKey(runtime, storeKey, claim)
  } catch {
    // Nothing was claimed and nothing done: the client may retry with the same key.
    return problemResponse(edgeProblem(edges.storeUnavailable))
  }
  if (held !== undefined) {
    if (held.startsWith(CLAIM_PREFIX)) return held.startsWith(`${CLAIM_PREFIX}${fingerprint}:`) ? inProgress() : reused()
    const stored = JSON.parse(held) as StoredRecord
    if (stored.fingerprint !== fingerprint) return reused()
    return new Response(stored.body, { status: stored.status, headers: { ...stored.headers, [REPLAYED_HEADER]: "true" } })
  }

  const outcomes = new Set<AnswerCommitOutcome>()
  c.set("idempotencyClaim", { key: storeKey, claim, fingerprint, report: (reported) => outcomes.add(reported) })
  await next()
  // Written with the work: nothing left to do. Unclear: the work may have applied, so the claim stays.
  if (outcomes.has("answer-written") || outcomes.has("unclear")) return
  const response = c.res
  if (response.status >= 500) {
    // A 5xx after some state was written keeps the claim (never run twice); one that wrote nothing frees the key.
    return outcomes.has("state-written") ? undefined : settle(runtime, storeKey, claim, undefined)
  }
  // Any other answer is final for this body: kept, so a retry replays it.
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    if (name !== "x-correlation-id" && name !== "x-session-id") headers[name] = value
  })
  await settle(runtime, storeKey, claim, recordJson(fingerprint, { status: response.status, headers, body: await response.clone().text() }))
}
