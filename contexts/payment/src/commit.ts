/**
 * How payment's use cases commit: one write to the StateStore in context (the records' SQL store; the
 * platform's stamps its events with the writing span's traceparent, so the trace crosses the bus), an unavailable
 * store as the context's RecordsUnavailable, and the write's events counted as published
 * (metrics.ts) once the commit has applied.
 */
import { Effect } from "effect"
import { type AtomicWrite, StateStore } from "@kasa/shared"
import { countPaymentEvents } from "./metrics.ts"
import { unavailable } from "./session-store.ts"

export const commitCounted = (write: AtomicWrite) =>
  Effect.flatMap(StateStore, (store) => store.commit(write)).pipe(
    Effect.tap((result) => (result === "committed" ? countPaymentEvents((write.events ?? []).map((event) => event.envelope.event_name)) : Effect.void)),
    Effect.catchTag("StoreUnavailable", (error) => Effect.fail(unavailable(error)))
  )
