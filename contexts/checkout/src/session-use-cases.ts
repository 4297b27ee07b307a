/**
 * Checkout's use cases on a shopper's session (SPEC §4.7) besides finalize: the summary, the
 * customer data and the consents. A command loads the session (one read), decides with the pure
 * domain, and writes it back naming the revision it read; when the consumer wrote first the command
 * runs again on the fresh session (retryOnConflict). A command that changes nothing writes nothing.
 * Decision where SPEC is silent: while an order waits for its payment (`finalized`, `payment_failed`)
 * the customer data and consents are fixed (409 `checkout_not_open`): the order was made with them.
 */
import { Effect } from "effect"
import { answering, type CommandContext, retryOnConflict, StateStore } from "@kasa/shared"
import { type Consents, type ConsentsRequest, type CustomerData, parseCustomerData, toConsents } from "./customer.ts"
import { CheckoutNotOpen } from "./errors.ts"
import { unpaid } from "./projection.ts"
import { type CheckoutSession, loadSession, type LoadedSession, sessionWrite, unavailable } from "./session-store.ts"
import { summaryView } from "./summary.ts"
import { CheckoutChangedConcurrently } from "./use-case-errors.ts"

/** How many times a command runs before a lost race becomes CheckoutChangedConcurrently. */
export const MAX_ATTEMPTS = 5

export const viewOf = (session: CheckoutSession) => summaryView(session.projection, session.customer ?? undefined, session.consents ?? undefined)

/** Commits `write` (the platform's store stamps its events with the current span's traceparent, so finalize's trace crosses the bus), an unavailable store as CheckoutUnavailable. */
export const commitWrite = (write: Parameters<typeof StateStore.Service.commit>[0]) =>
  Effect.flatMap(StateStore, (store) => store.commit(write)).pipe(Effect.catchTag("StoreUnavailable", (error) => Effect.fail(unavailable(error))))

export const getSummary = Effect.fn("Checkout.getSummary")(function* (sessionId: string) {
  const { session } = yield* loadSession(sessionId)
  return viewOf(session)
})

const editable = (loaded: LoadedSession) => {
  const p = loaded.session.projection
  return unpaid(p) ? Effect.fail(new CheckoutNotOpen({ status: p.status, order_id: p.order_id })) : Effect.void
}

/** Sets (or replaces) the session's shopper data; `change` decides the new session from the loaded one. */
const edit = (context: CommandContext, change: (session: CheckoutSession) => CheckoutSession) =>
  Effect.gen(function* () {
    const loaded = yield* loadSession(context.session_id)
    yield* editable(loaded)
    const next = change(loaded.session)
    const view = viewOf(next)
    if (JSON.stringify(next) !== JSON.stringify(loaded.session)) {
      yield* commitWrite(yield* sessionWrite(loaded, next, [])).pipe(answering(view))
    }
    return view
  }).pipe(retryOnConflict(MAX_ATTEMPTS, () => new CheckoutChangedConcurrently({ attempts: MAX_ATTEMPTS })))

export const setCustomerData = Effect.fn("Checkout.setCustomerData")(function* (context: CommandContext, input: CustomerData) {
  const customer = yield* Effect.fromResult(parseCustomerData(input))
  return yield* edit(context, (session) => ({ ...session, customer }))
})

export const setConsents = Effect.fn("Checkout.setConsents")(function* (context: CommandContext, input: ConsentsRequest) {
  const consents: Consents = toConsents(input)
  return yield* edit(context, (session) => ({ ...session, consents }))
})
