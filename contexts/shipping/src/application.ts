/**
 * Shipping's use cases as Effect programs over its ports (SPEC §4.3). Each command is one
 * transaction: load the session's shipping state (one read of its three keys), decide with the pure
 * domain, save the new state with its events (one atomic write that applies only if nobody wrote
 * since the read, e.g. the cart-events consumer). On a conflict the whole command runs again on the
 * fresh state, a few times, then gives up with ShippingChangedConcurrently. A refused command and a
 * command that changes nothing write and publish nothing. The methods a cart allows are cached per
 * cart hash for `GET /shipping/available`; commands assess the cart afresh (it is a map lookup and
 * a pure function), so a refusal never leaves even a cache entry behind.
 */
import { Clock, Effect } from "effect"
import { answering, cartHash, type CommandContext, retryOnConflict } from "@kasa/shared"
import { type Address, parseAddress } from "./address.ts"
import { assessCart, deliveryDays } from "./assessment.ts"
import { addonsTotal, chooseMethod, type DateRequest, type Decision, provideAddress, selectAddons, selectMethod, setDeliveryDate, type ShippingSession } from "./domain.ts"
import { availableMethods } from "./eligibility.ts"
import { ShippingChangedConcurrently } from "./errors.ts"
import { shippingEnvelopes } from "./events.ts"
import { ShippingStore } from "./ports.ts"
import { CurrentShippingRules } from "./rules.ts"
import { type AddonsView, type AvailableMethodsView, type CalendarView, methodView } from "./view.ts"

export type { CommandContext } from "@kasa/shared"

/** How many times a command runs before a write conflict becomes ShippingChangedConcurrently. */
export const MAX_ATTEMPTS = 5

/** `present` turns the new session into the command's answer, which an Idempotency-Key request commits with it. */
const transact = <A, E extends { readonly _tag: string }, R>(
  context: CommandContext,
  decide: (session: ShippingSession) => Effect.Effect<Decision, E, R>,
  present: (session: ShippingSession) => A
) =>
  Effect.gen(function* () {
    const store = yield* ShippingStore
    const loaded = yield* store.load(context.session_id)
    const decision = yield* decide(loaded.session)
    const answer = present(decision.session)
    if (decision.changes.length > 0) {
      const occurred_at = new Date(yield* Clock.currentTimeMillis)
      const events = shippingEnvelopes(context.session_id, decision.changes, { correlation_id: context.correlation_id, occurred_at })
      yield* store.save({ loaded, session: decision.session, events }).pipe(answering(answer))
    }
    return answer
  }).pipe(retryOnConflict(MAX_ATTEMPTS, () => new ShippingChangedConcurrently({ attempts: MAX_ATTEMPTS })))

/** The methods the session's cart allows, with prices, and the one chosen (cached per cart hash). */
export const getAvailableMethods = Effect.fn("Shipping.getAvailableMethods")(function* (sessionId: string) {
  const store = yield* ShippingStore
  const { session } = yield* store.load(sessionId)
  const selected_method_id = session.method?.method_id ?? null
  const cart = session.cart
  if (cart === undefined || cart.lines.length === 0) {
    return { methods: availableMethods(yield* assessCart(cart)).map(methodView), selected_method_id } satisfies AvailableMethodsView
  }
  const hash = cartHash(cart)
  const cached = yield* store.cachedMethods(hash)
  if (cached !== undefined) return { methods: cached, selected_method_id } satisfies AvailableMethodsView
  const methods = availableMethods(yield* assessCart(cart)).map(methodView)
  yield* store.cacheMethods(hash, methods)
  return { methods, selected_method_id } satisfies AvailableMethodsView
})

export const selectShippingMethod = Effect.fn("Shipping.selectMethod")(function* (context: CommandContext, methodId: string) {
  // A successful selection always leaves a method chosen.
  return yield* transact(
    context,
    (current) => Effect.flatMap(assessCart(current.cart), (assessments) => Effect.fromResult(selectMethod(current, methodId, assessments))),
    (session) => session.method!
  )
})

export const provideShippingAddress = Effect.fn("Shipping.provideAddress")(function* (context: CommandContext, input: Address) {
  const address = yield* Effect.fromResult(parseAddress(input))
  return yield* transact(context, (current) => Effect.succeed(provideAddress(current, address)), (session) => session.address!)
})

/** The delivery days for a method the session's cart allows. */
export const getCalendar = Effect.fn("Shipping.getCalendar")(function* (sessionId: string, methodId: string) {
  const store = yield* ShippingStore
  const { session } = yield* store.load(sessionId)
  const method = yield* Effect.fromResult(chooseMethod(yield* assessCart(session.cart), methodId))
  const { days, degraded } = yield* deliveryDays(session, method.method_id)
  return { method_id: method.method_id, days, degraded } satisfies CalendarView
})

export const setShippingDate = Effect.fn("Shipping.setDeliveryDate")(function* (context: CommandContext, request: DateRequest) {
  const rules = yield* CurrentShippingRules
  return yield* transact(
    context,
    (current) =>
      Effect.gen(function* () {
        const days = current.method === undefined ? [] : (yield* deliveryDays(current, current.method.method_id)).days
        return yield* Effect.fromResult(setDeliveryDate(current, request, days, rules))
      }),
    (session) => session.delivery!
  )
})

export const selectShippingAddons = Effect.fn("Shipping.selectAddons")(function* (context: CommandContext, addonIds: ReadonlyArray<string>) {
  const rules = yield* CurrentShippingRules
  return yield* transact(
    context,
    (current) => Effect.fromResult(selectAddons(current, addonIds, rules)),
    (session): AddonsView => ({ addons: session.addons, addons_total: addonsTotal(session.addons) })
  )
})
