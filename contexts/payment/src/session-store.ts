/**
 * What payment keeps per session (SPEC §4.4 `payment:session:{session_id}`): its projection of the
 * cart, shipping and promotions (what decides the methods) and the method the shopper chose, as one
 * JSON value with the session's lifetime (SessionTtl), written over the kernel's StateStore. A write
 * names the value it read (a precondition), so a request and the consumer writing one session at once
 * never lose an update: the loser runs again on the fresh state.
 */
import { Effect, Schema } from "effect"
import { type AtomicWrite, type Envelope, SessionTtl, StateStore, storedJson, type StoreUnavailable } from "@kasa/shared"
import { toOutboxEvents } from "./events.ts"
import { emptyProjection, PaymentProjection } from "./projection.ts"
import { RecordsUnavailable } from "./ports.ts"

export const PaymentSession = Schema.Struct({ projection: PaymentProjection, selected_method_id: Schema.NullOr(Schema.String) })
export type PaymentSession = typeof PaymentSession.Type

export const paymentSessionKey = (sessionId: string): string => `payment:session:${sessionId}`

export interface LoadedSession {
  readonly session: PaymentSession
  /** The stored text read (undefined: none), which the write expects to find still. */
  readonly revision: string | undefined
}

const sessionJson = storedJson(PaymentSession)

export const unavailable = (error: StoreUnavailable) => new RecordsUnavailable({ operation: error.operation, message: error.message })

export const loadSession = (sessionId: string) =>
  Effect.gen(function* () {
    const key = paymentSessionKey(sessionId)
    const raw = yield* Effect.mapError(Effect.flatMap(StateStore, (store) => store.get(key)), unavailable)
    if (raw === undefined) return { session: { projection: emptyProjection(sessionId), selected_method_id: null }, revision: undefined } satisfies LoadedSession
    const decoded = sessionJson.decode(key, raw)
    if (decoded._tag === "Failure") return yield* new RecordsUnavailable({ operation: "load session", message: `the stored payment session is unreadable: ${decoded.failure}` })
    return { session: decoded.success, revision: raw } satisfies LoadedSession
  })

/** The session written (with its lifetime afresh) and its events, if it is still what was read. */
export const sessionWrite = (loaded: LoadedSession, session: PaymentSession, envelopes: ReadonlyArray<Envelope>) =>
  Effect.map(SessionTtl, (ttlSeconds): AtomicWrite => {
    const key = paymentSessionKey(session.projection.session_id)
    return {
      expect: [{ key, value: loaded.revision }],
      ops: [{ op: "set", key, value: sessionJson.encode(key, session), ttlSeconds }],
      events: toOutboxEvents(envelopes)
    }
  })
