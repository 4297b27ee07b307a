/**
 * Payment's use cases on a shopper's session (SPEC §4.4, §9): the methods the cart and shipping allow,
 * choosing one, and keeping the projection they are decided from current as cart, shipping and
 * promotion events arrive. When such an event makes the chosen method no longer fit (cash on delivery
 * after a switch to a parcel locker, or a total over its cap), the choice is cleared and
 * `payment.method_invalidated` says why. Commands run again on the fresh session when they lose a race.
 */
import { Clock, Context, Effect } from "effect"
import { answering, type CommandContext, type Envelope, retryOnConflict } from "@kasa/shared"
import { PaymentChangedConcurrently } from "./errors.ts"
import { type EventContext, PaymentEventName, paymentEnvelopes } from "./events.ts"
import { availableMethods, chooseMethod, type GatewayMap, PAYMENT_METHODS, selectionStillFits } from "./methods.ts"
import { applyEvent, type ProjectedEventName, type ProjectedPayload } from "./projection.ts"
import { loadSession, sessionWrite } from "./session-store.ts"
import { commitCounted } from "./commit.ts"

/** How the shop is set up for payments: which gateway takes each online method, where a shopper comes back to. */
export class PaymentSettings extends Context.Service<
  PaymentSettings,
  {
    readonly gateways: GatewayMap
    /** The shop's page a gateway sends the shopper back to after paying. */
    readonly returnUrl: (orderId: string, transactionId: string) => string
  }
>()("@kasa/payment/PaymentSettings") {}

/** How many times a command runs before a lost race becomes PaymentChangedConcurrently. */
export const MAX_ATTEMPTS = 5

export const getAvailableMethods = Effect.fn("Payment.availableMethods")(function* (sessionId: string) {
  const { session } = yield* loadSession(sessionId)
  const settings = yield* PaymentSettings
  return { methods: availableMethods(session.projection, settings.gateways), selected_method_id: session.selected_method_id }
})

export const selectPaymentMethod = Effect.fn("Payment.selectMethod")(function* (context: CommandContext, methodId: string) {
  return yield* Effect.gen(function* () {
    const settings = yield* PaymentSettings
    const loaded = yield* loadSession(context.session_id)
    const chosen = yield* Effect.fromResult(chooseMethod(loaded.session.projection, methodId, settings.gateways))
    if (loaded.session.selected_method_id === chosen.method_id) return chosen
    const occurred_at = new Date(yield* Clock.currentTimeMillis)
    const envelopes = paymentEnvelopes(
      [{ name: PaymentEventName.methodSelected, payload: { session_id: context.session_id, method_id: chosen.method_id, method_name: chosen.name } }],
      { correlation_id: context.correlation_id, occurred_at }
    )
    const write = yield* sessionWrite(loaded, { ...loaded.session, selected_method_id: chosen.method_id }, envelopes)
    yield* commitCounted(write).pipe(answering(chosen))
    return chosen
  }).pipe(retryOnConflict(MAX_ATTEMPTS, () => new PaymentChangedConcurrently({ attempts: MAX_ATTEMPTS })))
})

/**
 * The write that folds one consumed cart, shipping or promotion event into the session's projection
 * (and clears a choice it no longer allows), or undefined when it changes nothing.
 */
export const projectEvent = <N extends ProjectedEventName>(name: N, payload: ProjectedPayload<N>, causedBy: Envelope) =>
  Effect.gen(function* () {
    const loaded = yield* loadSession(payload.session_id)
    const projection = applyEvent(loaded.session.projection, name, payload)
    if (projection === loaded.session.projection) return undefined
    const selected = loaded.session.selected_method_id
    const fit = selected === null ? undefined : selectionStillFits(projection, selected)
    const context: EventContext = { correlation_id: causedBy.correlation_id, occurred_at: new Date(yield* Clock.currentTimeMillis), caused_by: causedBy }
    const invalidated = fit !== undefined && !fit.fits
    const envelopes = invalidated
      ? paymentEnvelopes([{ name: PaymentEventName.methodInvalidated, payload: { session_id: payload.session_id, method_id: selected!, reason: fit.reason } }], context)
      : []
    return yield* sessionWrite(loaded, { projection, selected_method_id: invalidated ? null : selected }, envelopes)
  })

/** The name of a method (for answers that only have its id). */
export const methodName = (methodId: string): string => PAYMENT_METHODS.find((method) => method.method_id === methodId)?.name ?? methodId
