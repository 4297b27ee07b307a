/**
 * What checkout keeps per session, over the kernel's StateStore (key-value: Redis distributed, memory
 * embedded), as ONE JSON value at `checkout:session:{session_id}` with the session's lifetime
 * (SessionTtl, refreshed on every write). SPEC §4.7 names four keys (totals, customer, consents,
 * session); they are one value here because every decision reads them together (finalize validates
 * the projection, the customer and the consents against each other; the summary shows them side by
 * side) and a write names the one revision it read, so a request and the consumer writing the same
 * session at once never lose an update (the loser runs again on the fresh value), which four keys
 * could only promise with four preconditions per write. The totals are not stored at all: they are
 * computed from the projection (totals.ts), so they cannot drift from it.
 * Beside SPEC's data the value holds digests of the last consumed event ids (bounded; for `?after=`), how many
 * orders the session has made (the next order id's round, with a salt), when the current order was created and,
 * after a failed payment, when its retry window ends.
 */
import { Effect, Schema } from "effect"
import { type AtomicWrite, type Envelope, SessionTtl, StateStore, storedJson, type StoreUnavailable, textDigest } from "@kasa/shared"
import { Consents, CustomerData } from "./customer.ts"
import { toOutboxEvents } from "./events.ts"
import { CheckoutProjection, emptyProjection } from "./projection.ts"
import { CheckoutUnavailable } from "./ports.ts"

/** How many consumed event ids a session remembers for `?after=` (older ones count as applied: see summary-wait.ts). */
export const APPLIED_EVENTS_KEPT = 64

export const CheckoutSession = Schema.Struct({
  projection: CheckoutProjection,
  customer: Schema.NullOr(CustomerData),
  consents: Schema.NullOr(Consents),
  /**
   * The newest event ids applied to this session, newest last, at most APPLIED_EVENTS_KEPT, each as its
   * `textDigest` (16 characters where an id has 36: held in every session, these were most of its bytes).
   * A session written before digests holds the ids themselves; `appliedAll` reads both (such a session
   * lives at most one SESSION_TTL_SECONDS after that code last wrote it, so that reading can go then).
   */
  applied_event_ids: Schema.Array(Schema.String),
  /** Orders created in this session so far. */
  orders_made: Schema.Int,
  /** Bumped when a derived order id's reservation ran out before its order was written (finalize-use-case.ts). */
  order_salt: Schema.Int,
  /** When the current order was created (epoch ms). */
  ordered_at_ms: Schema.NullOr(Schema.Int),
  /** The finalize request's correlation id: the retry window's expiry carries it, so the order stays one trace. */
  order_correlation_id: Schema.NullOr(Schema.String),
  /** When the current order's payment-retry window ends (epoch ms), once a payment of it failed. */
  retry_deadline_ms: Schema.NullOr(Schema.Int)
})
export type CheckoutSession = typeof CheckoutSession.Type

export const checkoutSessionKey = (sessionId: string): string => `checkout:session:${sessionId}`
export const CHECKOUT_SESSION_PREFIX = "checkout:session:"

export const emptySession = (sessionId: string): CheckoutSession => ({
  projection: emptyProjection(sessionId),
  customer: null,
  consents: null,
  applied_event_ids: [],
  orders_made: 0,
  order_salt: 0,
  ordered_at_ms: null,
  order_correlation_id: null,
  retry_deadline_ms: null
})

export interface LoadedSession {
  readonly session: CheckoutSession
  /** The stored text read (undefined: none), which the write expects to find still. */
  readonly revision: string | undefined
}

const sessionJson = storedJson(CheckoutSession)

export const unavailable = (error: StoreUnavailable) => new CheckoutUnavailable({ operation: error.operation, message: error.message })

export const loadSession = (sessionId: string) =>
  Effect.gen(function* () {
    const key = checkoutSessionKey(sessionId)
    const raw = yield* Effect.mapError(Effect.flatMap(StateStore, (store) => store.get(key)), unavailable)
    if (raw === undefined) return { session: emptySession(sessionId), revision: undefined } satisfies LoadedSession
    const decoded = sessionJson.decode(key, raw)
    if (decoded._tag === "Failure") return yield* new CheckoutUnavailable({ operation: "load session", message: `the stored checkout session is unreadable: ${decoded.failure}` })
    return { session: decoded.success, revision: raw } satisfies LoadedSession
  })

/** The session written (with its lifetime afresh) and its events, if it is still what was read. */
export const sessionWrite = (loaded: LoadedSession, session: CheckoutSession, envelopes: ReadonlyArray<Envelope>) =>
  Effect.map(SessionTtl, (ttlSeconds): AtomicWrite => {
    const key = checkoutSessionKey(session.projection.session_id)
    return {
      expect: [{ key, value: loaded.revision }],
      ops: [{ op: "set", key, value: sessionJson.encode(key, session), ttlSeconds }],
      events: toOutboxEvents(envelopes)
    }
  })

/** The sessions whose value a write sets (for the in-process notifier). */
export const sessionsWritten = (write: AtomicWrite): ReadonlyArray<string> =>
  (write.ops ?? []).flatMap((op) => (op.op === "set" && op.key.startsWith(CHECKOUT_SESSION_PREFIX) ? [op.key.slice(CHECKOUT_SESSION_PREFIX.length)] : []))

/**
 * `ids` remembered after `eventIds` were applied (consumed ones, and checkout's own, which its write
 * applies as it publishes them, so `?after=` of a finalize's `checkout.order_created` answers too):
 * newest last, bounded; the same array when all were remembered already.
 */
export const rememberApplied = (ids: ReadonlyArray<string>, ...eventIds: ReadonlyArray<string>): ReadonlyArray<string> => {
  const fresh = eventIds.map(textDigest).filter((digest) => !ids.includes(digest))
  return fresh.length === 0 ? ids : [...ids, ...fresh].slice(-APPLIED_EVENTS_KEPT)
}

/** Whether every one of `eventIds` is among the session's remembered ones (as a digest, or as itself in a session written before digests). */
export const appliedAll = (session: CheckoutSession, eventIds: ReadonlyArray<string>): boolean =>
  eventIds.every((id) => session.applied_event_ids.includes(textDigest(id)) || session.applied_event_ids.includes(id))
