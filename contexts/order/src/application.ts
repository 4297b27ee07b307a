/**
 * The order's use cases (SPEC §4.8). Shoppers and admins: read an order, a session's orders and an
 * order's history (a session sees only its own: another's is not found, never told apart from none),
 * cancel an order (its own session, or an admin); admins: move an order along its fulfilment, which
 * publishes the delivery events. The consumer's writes: create the order from
 * `checkout.order_created` (with whatever was parked for it, parked.ts), and apply a fact heard from
 * payment, checkout or inventory (facts.ts). Each decides through the pure lifecycle and commits the
 * order's records and its events in one write of the records' store; a command that loses the
 * optimistic race runs again on the fresh order.
 */
import { Clock, Effect, Result, Schema } from "effect"
import { type AtomicWrite, answering, type Envelope, type EventContext, PermanentFailure, retryOnConflict, StateStore } from "@kasa/shared"
import { type IllegalTransition, OrderChangedConcurrently, type OrderNotCancellable, OrderNotFound, OrdersForbidden } from "./errors.ts"
import { orderEnvelopes, type OrderPublished, toOutboxEvents } from "./events.ts"
import { applyFact, type OrderFact } from "./facts.ts"
import type { FulfilmentEvent } from "./fulfilment.ts"
import { transition } from "./lifecycle.ts"
import type { LifecycleEvent, Transition } from "./lifecycle-step.ts"
import { createOrder, type NewOrder, type Order } from "./order.ts"
import { loadParked, parkWrite, unparkWrite } from "./parked.ts"
import { OrderRecords, RecordsUnavailable } from "./ports.ts"
import { orderView } from "./views.ts"

/** Who is asking: an admin (the bearer token) sees and may change any order; a session only its own. */
export type Caller = { readonly kind: "admin" } | { readonly kind: "session"; readonly session_id: string }

/** How often a command runs again after losing the race for an order before it gives up. */
export const MAX_ATTEMPTS = 5

const now = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms))

const outbox = (events: ReadonlyArray<OrderPublished>, context: EventContext) => toOutboxEvents(orderEnvelopes(events, context))

const commit = (write: AtomicWrite) =>
  Effect.flatMap(StateStore, (store) => store.commit(write)).pipe(
    Effect.catchTag("StoreUnavailable", (error) => Effect.fail(new RecordsUnavailable({ operation: error.operation, message: error.message })))
  )

const callersOrder = (caller: Caller, orderId: string) =>
  Effect.gen(function* () {
    const order = yield* Effect.flatMap(OrderRecords, (records) => records.order(orderId))
    if (order === undefined || (caller.kind === "session" && order.session_id !== caller.session_id)) return yield* new OrderNotFound({ order_id: orderId })
    return order
  })

/** `GET /orders/{id}`. */
export const getOrder = Effect.fn("Order.get")(function* (caller: Caller, orderId: string) {
  return orderView(yield* callersOrder(caller, orderId))
})

/** `GET /orders?session_id=`: a shopper names only its own session (compared, nothing looked up); an admin any. */
export const listOrders = Effect.fn("Order.list")(function* (caller: Caller, sessionId: string) {
  if (caller.kind === "session" && caller.session_id !== sessionId) return yield* new OrdersForbidden({ session_id: sessionId })
  const orders = yield* Effect.flatMap(OrderRecords, (records) => records.ofSession(sessionId))
  return { session_id: sessionId, orders: orders.map(orderView) }
})

/** `GET /orders/{id}/history`: the status history as its table holds it. */
export const orderHistory = Effect.fn("Order.history")(function* (caller: Caller, orderId: string) {
  const order = yield* callersOrder(caller, orderId)
  const history = yield* Effect.flatMap(OrderRecords, (records) => records.history(orderId))
  return { order_id: order.order_id, status: order.status, history }
})

/** One lifecycle step a caller asks for: committed with its events (and the request's stored answer); a replay answers as the order stands. */
const command = (caller: Caller, orderId: string, event: LifecycleEvent, correlationId: string) =>
  Effect.gen(function* () {
    const records = yield* OrderRecords
    const order = yield* callersOrder(caller, orderId)
    const at = yield* now
    // A command never reports a refund, so the refund errors of the lifecycle cannot come from it.
    const step = yield* (Effect.fromResult(transition(order, event, at)) as Effect.Effect<Transition, IllegalTransition | OrderNotCancellable>)
    const view = orderView(step.order)
    if (step._tag === "Unchanged") return view
    yield* commit({ records: records.changed(order, step.order, at.toISOString()), events: outbox(step.events, { correlation_id: correlationId, occurred_at: at }) }).pipe(answering(view))
    return view
  }).pipe(retryOnConflict(MAX_ATTEMPTS, () => new OrderChangedConcurrently({ attempts: MAX_ATTEMPTS })))

/** `POST /orders/{id}/cancel`: before payment cancelled (the stock released), after it CANCELLING until payment refunds. */
export const cancelOrder = Effect.fn("Order.cancel")(function* (caller: Caller, orderId: string, reason: string, correlationId: string) {
  return yield* command(caller, orderId, { kind: "cancel_requested", reason }, correlationId)
})

/** The statuses `POST /orders/{id}/status` moves an order to (the fulfilment chain). */
export const FulfilmentStatus = Schema.Literals(["CONFIRMED", "PREPARING", "READY_FOR_PICKUP", "OUT_FOR_DELIVERY", "DELIVERED"])
export type FulfilmentStatus = typeof FulfilmentStatus.Type

export interface StatusRequest {
  readonly status: FulfilmentStatus
  /** READY_FOR_PICKUP: the carrier taking the parcel (default: the shipping method's id). */
  readonly carrier?: string | undefined
  /** OUT_FOR_DELIVERY: the carrier's tracking number. */
  readonly tracking_number?: string | undefined
}

const fulfilmentEvent = (request: StatusRequest): FulfilmentEvent => {
  switch (request.status) {
    case "CONFIRMED":
      return { kind: "confirmed" }
    case "PREPARING":
      return { kind: "preparing" }
    case "READY_FOR_PICKUP":
      return { kind: "ready_for_pickup", carrier: request.carrier }
    case "OUT_FOR_DELIVERY":
      return { kind: "out_for_delivery", tracking_number: request.tracking_number }
    case "DELIVERED":
      return { kind: "delivered" }
  }
}

/** `POST /orders/{id}/status` (admin / fulfilment): one step along the chain, with its order and delivery events. */
export const setOrderStatus = Effect.fn("Order.setStatus")(function* (orderId: string, request: StatusRequest, correlationId: string) {
  return yield* command({ kind: "admin" }, orderId, fulfilmentEvent(request), correlationId)
})

const consumed = (causedBy: Envelope, at: Date): EventContext => ({ correlation_id: causedBy.correlation_id, occurred_at: at, caused_by: causedBy })

/** The write for `checkout.order_created`: the order, with the facts parked for it applied; nothing if it exists (a redelivery). */
export const createOrderWrite = (input: NewOrder, causedBy: Envelope) =>
  Effect.gen(function* () {
    const records = yield* OrderRecords
    if ((yield* records.order(input.order_id)) !== undefined) return undefined
    const parked = yield* loadParked(input.order_id)
    const at = yield* now
    const created = createOrder(input, at)
    let order: Order = created.order
    const events: Array<OrderPublished> = [...created.events]
    for (const fact of parked.facts) {
      const step = applyFact(order, fact, at)
      if (Result.isFailure(step)) {
        yield* Effect.logWarning("a parked fact does not apply to the new order", { order_id: order.order_id, fact: fact.kind, error: step.failure._tag })
        continue
      }
      if (step.success._tag === "Changed") {
        order = step.success.order
        events.push(...step.success.events)
      }
    }
    return { ...unparkWrite(input.order_id, parked), records: records.created(order, at.toISOString()), events: outbox(events, consumed(causedBy, at)) } satisfies AtomicWrite
  })

/**
 * The write for a fact about an order: its change and events; nothing for a replay or a stale one;
 * parked when the order is not created yet. One the lifecycle rejects (a second payment of a paid
 * order, a refund of more than was paid) cannot become right by retrying: it is dead-lettered.
 */
export const orderFactWrite = (orderId: string, fact: OrderFact, causedBy: Envelope) =>
  Effect.gen(function* () {
    const records = yield* OrderRecords
    const order = yield* records.order(orderId)
    if (order === undefined) return yield* parkWrite(orderId, fact)
    const at = yield* now
    const step = applyFact(order, fact, at)
    if (Result.isFailure(step)) return yield* new PermanentFailure({ reason: `${fact.kind} does not apply to order ${orderId} in ${order.status}: ${step.failure._tag}` })
    if (step.success._tag === "Unchanged") return undefined
    return { records: records.changed(order, step.success.order, at.toISOString()), events: outbox(step.success.events, consumed(causedBy, at)) } satisfies AtomicWrite
  })
