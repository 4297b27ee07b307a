/**
 * `Idempotency-Key` on POST (SPEC §2): the first request with a key claims it, runs, and stores its
 * response; a retry with the same key gets that stored response and does no work; a concurrent one
 * gets 409 while the first is still running; the same key with a different body is a 422. Keys are
 * scoped by session and route, kept 24 hours, and live in the app's StateStore (Redis when distributed).
 */
import { Effect } from "effect"
import type { MiddlewareHandler } from "hono"
import { PROBLEM_CONTENT_TYPE, problem, StateStore } from "@kasa/shared"
import type { AppRuntime } from "./app-module.ts"
import { SessionTokens } from "./session-token.ts"

export const IDEMPOTENCY_HEADER = "idempotency-key"
const RETENTION_SECONDS = 24 * 60 * 60
/** A claim outlives a crashed request only this long, then the key may be used again. */
const CLAIM_SECONDS = 60

interface Stored {
  readonly fingerprint: string
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
}

const digest = (text: string): string => new Bun.CryptoHasher("sha256").update(text).digest("hex")

const problemResponse = (status: number, code: string, title: string, detail: string) =>
  new Response(JSON.stringify(problem(status, code, title, { detail })), { status, headers: { "content-type": PROBLEM_CONTENT_TYPE } })

export const idempotency = (runtime: AppRuntime): MiddlewareHandler => async (c, next) => {
  const key = c.req.header(IDEMPOTENCY_HEADER)
  if (c.req.method !== "POST" || key === undefined) return next()
  if (key.length === 0 || key.length > 255) {
    return problemResponse(400, "invalid_idempotency_key", "Invalid Idempotency-Key", "Idempotency-Key must be 1 to 255 characters")
  }
  // Keys are scoped by session; without a session there is nothing safe to scope by (a shared scope
  // would replay one client's response, and its session, to another), so the request just runs.
  const token = c.req.header("x-session-id")
  const scope = token === undefined ? undefined : runtime.runSync(SessionTokens).verify(token)
  if (scope === undefined) return next()
  const storeKey = `idempotency:${digest(`${scope}\u0000${c.req.method}\u0000${c.req.path}\u0000${key}`)}`
  const fingerprint = digest(await c.req.raw.clone().text())

  const claimed = await runtime.runPromise(
    Effect.flatMap(StateStore, (store) =>
      store.commit({ expect: [{ key: storeKey, value: undefined }], ops: [{ op: "set", key: storeKey, value: `claim:${fingerprint}`, ttlSeconds: CLAIM_SECONDS }] }).pipe(
        Effect.as<string | undefined>(undefined),
        Effect.catchTag("WriteConflict", () => Effect.map(store.get(storeKey), (value) => value ?? "claim:"))
      )
    )
  )
  if (claimed !== undefined) {
    if (claimed.startsWith("claim:")) {
      return claimed === `claim:${fingerprint}`
        ? problemResponse(409, "idempotency_in_progress", "Request in progress", "a request with this Idempotency-Key is still being processed")
        : problemResponse(422, "idempotency_key_reused", "Idempotency-Key reused", "this Idempotency-Key was used with a different request body")
    }
    const stored = JSON.parse(claimed) as Stored
    if (stored.fingerprint !== fingerprint) {
      return problemResponse(422, "idempotency_key_reused", "Idempotency-Key reused", "this Idempotency-Key was used with a different request body")
    }
    return new Response(stored.body, { status: stored.status, headers: { ...stored.headers, "x-session-id": token!, "idempotent-replayed": "true" } })
  }

  await next()
  const response = c.res
  // Only answers that are final for this body are kept; a 5xx may be retried with the same key.
  const keep = response.status < 500
  const body = keep ? await response.clone().text() : ""
  const headers: Record<string, string> = {}
  // Not the session token: it is a credential and stays out of the store (the replay puts it back).
  response.headers.forEach((value, name) => {
    if (name !== "x-correlation-id" && name !== "x-session-id") headers[name] = value
  })
  const record: Stored = { fingerprint, status: response.status, headers, body }
  await runtime.runPromise(
    Effect.flatMap(StateStore, (store) =>
      store.commit({ ops: keep ? [{ op: "set", key: storeKey, value: JSON.stringify(record), ttlSeconds: RETENTION_SECONDS }] : [{ op: "delete", key: storeKey }] })
    ).pipe(Effect.ignore)
  )
}
