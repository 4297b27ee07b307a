/**
 * `catalog-consumer` (SPEC §3.3): settles the stock reservations checkout's finalize took, from what
 * the order's life says happened to it:
 * - `checkout.completed` (the order is paid): the units leave for good (`inventory.committed`);
 * - `order.cancelled` (an unpaid order, or a paid one with nothing left to refund): the units go back
 *   with the order's reason (`inventory.released`);
 * - `order.refunded` (a paid order's cancellation ended in a full refund): the units go back too.
 * Payment's own events are not read: the order decides what a payment means, and commit hangs on
 * checkout's completion, which comes of the payment.
 * Each StockReservations operation is one atomic step with its inventory event and is idempotent by
 * order (committing twice is a no-op, releasing again returns nothing), so the handler returns no
 * write and a replay changes nothing. An order that holds no reservation, or one whose reservation was
 * already released (it expired before the payment: the order's saga refunds it), is logged and left:
 * retrying cannot change it.
 */
import { Effect, Schema } from "effect"
import { type ConsumerOptions, eventRouter, route, type RoutedEvent, Topics } from "@kasa/shared"
import { commitStock, releaseStock } from "./application.ts"

export const CATALOG_CONSUMER_GROUP = "catalog-consumer"
export const CATALOG_CONSUMER_TOPICS: ReadonlyArray<string> = [Topics.checkout, Topics.order]

/** The reason a refunded order's units go back with. */
export const REFUNDED_REASON = "refunded"

const NonEmpty = Schema.String.check(Schema.isNonEmpty())
/** What the catalog reads of `checkout.completed` and `order.refunded`. */
export const SettledOrderSeen = Schema.Struct({ order_id: NonEmpty })
/** What the catalog reads of `order.cancelled`. */
export const CancelledOrderSeen = Schema.Struct({ order_id: NonEmpty, reason: NonEmpty })

const contextOf = (event: RoutedEvent<unknown>) => ({ correlationId: event.envelope.correlation_id, causedBy: event.envelope })

/** A reservation that is not there or already released: nothing to settle, said once in the log. */
const settledAlready = (orderId: string, what: string) => (error: { readonly _tag: string }) =>
  Effect.logInfo(`${CATALOG_CONSUMER_GROUP}: no reservation to ${what}`, { order_id: orderId, why: error._tag })

const commitOf = (event: RoutedEvent<typeof SettledOrderSeen.Type>) =>
  commitStock(event.payload.order_id, contextOf(event)).pipe(
    Effect.asVoid,
    Effect.catchTags({ ReservationNotFound: settledAlready(event.payload.order_id, "commit"), ReservationReleased: settledAlready(event.payload.order_id, "commit") })
  )

const releaseOf = (orderId: string, reason: string, event: RoutedEvent<unknown>) =>
  releaseStock(orderId, reason, contextOf(event)).pipe(
    Effect.asVoid,
    Effect.catchTags({ ReservationNotFound: settledAlready(orderId, "release"), InvalidReservation: settledAlready(orderId, "release") })
  )

export const catalogConsumer = () => ({
  group: CATALOG_CONSUMER_GROUP,
  topics: CATALOG_CONSUMER_TOPICS,
  handler: eventRouter(CATALOG_CONSUMER_GROUP, {
    "checkout.completed": route(SettledOrderSeen, commitOf),
    "order.cancelled": route(CancelledOrderSeen, (event) => releaseOf(event.payload.order_id, event.payload.reason, event)),
    "order.refunded": route(SettledOrderSeen, (event) => releaseOf(event.payload.order_id, REFUNDED_REASON, event))
  })
}) satisfies ConsumerOptions<unknown, unknown>
