/**
 * Read your writes (SPEC §4.7, issue #10): `GET /checkout/summary?after=<event_id>[,<event_id>...]&wait_ms=<n>`
 * answers once checkout's projection has applied those events (each id is among the session's remembered
 * ones: every consumed event of the session, and checkout's own events, applied in the write that
 * publishes them), or when the wait ends, saying which (`applied`). No sleeping loop: the waiter re-reads the
 * store when this process commits the session's consumed events (SummaryNotifier, woken by the
 * consumer's commit) and, since another replica may hold the session's partition, also on an Effect
 * Schedule (exponential from 20 ms, at most 500 ms apart), until its deadline.
 * An event id older than the remembered ones (APPLIED_EVENTS_KEPT) is not told from one never seen:
 * the wait then ends at its deadline with `applied: false`, the summary as it stands.
 */
import { Data, Duration, Effect, Schedule } from "effect"
import { SummaryNotifier } from "./ports.ts"
import { appliedAll, loadSession } from "./session-store.ts"
import { viewOf } from "./session-use-cases.ts"

/** The longest wait a client may ask for. */
export const MAX_WAIT_MS = 10_000

const lookSchedule = Schedule.exponential("20 millis").pipe(Schedule.modifyDelay(({ duration }) => Effect.succeed(Duration.min(duration, Duration.millis(500)))))

class NotYet extends Data.TaggedError("NotYet") {}

/** The most event ids one wait may name (a client's commands since it last looked). */
export const MAX_AFTER_IDS = 32

/** The summary once every event of `after` is applied (or at once without it), or as it stands when `waitMs` ends. */
export const waitForSummary = Effect.fn("Checkout.waitForSummary")(function* (sessionId: string, after: ReadonlyArray<string> | undefined, waitMs: number) {
  const first = yield* loadSession(sessionId)
  if (after === undefined || appliedAll(first.session, after) || waitMs <= 0) {
    return { summary: viewOf(first.session), applied: after === undefined || appliedAll(first.session, after) }
  }
  const notifier = yield* SummaryNotifier
  const look = Effect.flatMap(loadSession(sessionId), (loaded) => (appliedAll(loaded.session, after) ? Effect.succeed(loaded.session) : Effect.fail(new NotYet())))
  // Each in-process commit of the session wakes one look at once.
  const onCommit = Effect.forever(
    Effect.callback<void>((resume) => {
      const off = notifier.subscribe(sessionId, () => resume(Effect.void))
      return Effect.sync(off)
    }).pipe(Effect.andThen(Effect.option(look)), Effect.flatMap((found) => (found._tag === "Some" ? Effect.fail(found.value) : Effect.void)))
  ).pipe(Effect.flip)
  // The schedule never ends: only the deadline below stops it.
  const scheduled = Effect.retry(look, { schedule: lookSchedule, while: (e) => e._tag === "NotYet" }).pipe(Effect.catchTag("NotYet", () => Effect.never))
  const found = yield* Effect.raceFirst(onCommit, scheduled).pipe(Effect.timeoutOption(Duration.millis(waitMs)))
  if (found._tag === "Some") return { summary: viewOf(found.value), applied: true }
  const last = yield* loadSession(sessionId)
  return { summary: viewOf(last.session), applied: appliedAll(last.session, after) }
})
