/**
 * The ids of the events a request's commands caused, so the HTTP edge can tell the client (SPEC §4.7:
 * "commands return the ids of the events they caused", `X-Event-Ids`) and the client can wait for a
 * projection to have applied them (`?after=<event_id>`) instead of sleeping. The edge provides a
 * collector per request; the platform's StateStore (`answeringStore`) adds the events of every commit
 * that applied. Contexts never see it: a use case that commits through the StateStore is covered.
 */
import { Context } from "effect"
import type { AtomicWrite } from "./state-store.ts"

export class CausedEvents extends Context.Service<CausedEvents, { readonly add: (eventIds: ReadonlyArray<string>) => void }>()("@kasa/shared/CausedEvents") {}

/** The event ids a write publishes, in order. */
export const eventIdsOf = (write: AtomicWrite): ReadonlyArray<string> => (write.events === undefined ? [] : write.events.map((event) => event.envelope.event_id))

/** A collector for one request: `ids` holds what `add` was given, each once, in order. */
export const causedEventsCollector = (): { readonly service: CausedEvents["Service"]; readonly ids: Array<string> } => {
  const ids: Array<string> = []
  return {
    ids,
    service: CausedEvents.of({
      add: (eventIds) => {
        for (const id of eventIds) if (!ids.includes(id)) ids.push(id)
      }
    })
  }
}
