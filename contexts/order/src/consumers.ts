/**
 * `order-consumer` (SPEC §3.3): the order's records follow what checkout, payment and inventory tell.
 * - checkout-events: `checkout.order_created` creates the order; `checkout.payment_retry_expired`
 *   cancels one that was never paid.
 * - payment-events: `payment.initialized`, `.succeeded`, `.failed`, `.refunded` move the lifecycle
 *   (money arriving for an order already cancelled is the lifecycle's `paid_after_cancellation`:
 *   CANCELLING, refunded); `payment.refund_failed` (payment's addition) keeps the order CANCELLING
 *   with a history entry.
 * - inventory-events, beyond SPEC §3.3's table (which lists checkout and payment events only): the
 *   saga's compensation (SPEC §4.8) needs to hear that an order's stock is gone, and catalog says so
 *   only there. `inventory.released` with reason `expired` for an order not yet fulfilled →
 *   compensation `reservation_expired` (unpaid: cancelled; paid: CANCELLING, refunded), and
 *   `inventory.reserved` records the reservation, which `checkout.order_created` does not name.
 * A fact for an order not created yet is parked for it (parked.ts), so it neither blocks its partition
 * nor is lost when the order's creation is read later; one for an order that never comes expires. It
 * commits over the records' SQL store: the order's rows, its events and the marker in one transaction.
 * The handlers only decide: the runtime commits the write with the processed marker.
 */
import { Effect, Schema } from "effect"
import { CartSnapshotLine, eventRouter, route, Topics } from "@kasa/shared"
import { CurrencyCode } from "@kasa/shared/money"
import { createOrderWrite, orderFactWrite } from "./application.ts"
import type { OrderFact } from "./facts.ts"
import { Invoice, OrderShipping } from "./order-details.ts"

export const ORDER_CONSUMER_GROUP = "order-consumer"
export const ORDER_CONSUMER_TOPICS: ReadonlyArray<string> = [Topics.checkout, Topics.payment, Topics.inventory]

const NonEmpty = Schema.String.check(Schema.isNonEmpty())
const Money = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

/** What order reads of `checkout.order_created` (checkout's line totals and breakdown are recomputed or not needed). */
export const OrderCreatedSeen = Schema.Struct({
  session_id: NonEmpty,
  order_id: NonEmpty,
  grand_total: Money,
  currency: CurrencyCode,
  lines: Schema.Array(Schema.Struct({ ...CartSnapshotLine.fields, parent_item_id: Schema.optionalKey(Schema.NullOr(Schema.String)) })),
  shipping: OrderShipping,
  customer: Schema.Struct({
    email: NonEmpty,
    first_name: Schema.String,
    last_name: Schema.String,
    phone: Schema.optionalKey(Schema.NullOr(Schema.String)),
    invoice: Schema.optionalKey(Schema.NullOr(Invoice))
  }),
  payment_method_id: NonEmpty,
  reservation_id: Schema.optionalKey(Schema.NullOr(NonEmpty))
})

const OfOrder = Schema.Struct({ order_id: NonEmpty })
const OfTransaction = Schema.Struct({ order_id: NonEmpty, transaction_id: NonEmpty })
const PaymentFailedSeen = Schema.Struct({ order_id: NonEmpty, transaction_id: NonEmpty, reason: Schema.String })
const RefundedSeen = Schema.Struct({ order_id: NonEmpty, refund_id: NonEmpty, refund_amount: Schema.Int, fully_refunded: Schema.Boolean })
const RefundFailedSeen = Schema.Struct({ order_id: NonEmpty, refund_id: NonEmpty, reason: Schema.String })
const ReservedSeen = Schema.Struct({ order_id: NonEmpty, reservation_id: NonEmpty })
const ReleasedSeen = Schema.Struct({ order_id: NonEmpty, reason: Schema.String })

/** catalog's release reason for a reservation whose deadline passed (its sweeper). */
export const EXPIRED_RELEASE = "expired"

const fact = <S extends Schema.Top & { readonly DecodingServices: never; readonly Type: { readonly order_id: string } }>(schema: S, toFact: (payload: S["Type"]) => OrderFact) =>
  route(schema, (event) => orderFactWrite(event.payload.order_id, toFact(event.payload), event.envelope))

const routes = () =>
  eventRouter(ORDER_CONSUMER_GROUP, {
    "checkout.order_created": route(OrderCreatedSeen, (event) => createOrderWrite(event.payload, event.envelope)),
    "checkout.payment_retry_expired": fact(OfOrder, () => ({ kind: "payment_retry_expired" })),
    "payment.initialized": fact(OfTransaction, (p) => ({ kind: "payment_initialized", transaction_id: p.transaction_id })),
    "payment.succeeded": fact(OfTransaction, (p) => ({ kind: "payment_succeeded", transaction_id: p.transaction_id })),
    "payment.failed": fact(PaymentFailedSeen, (p) => ({ kind: "payment_failed", transaction_id: p.transaction_id, reason: p.reason })),
    "payment.refunded": fact(RefundedSeen, (p) => ({ kind: "refunded", refund_id: p.refund_id, refund_amount: p.refund_amount, fully_refunded: p.fully_refunded })),
    "payment.refund_failed": fact(RefundFailedSeen, (p) => ({ kind: "refund_failed", refund_id: p.refund_id, reason: p.reason })),
    "inventory.reserved": fact(ReservedSeen, (p) => ({ kind: "reservation_held", reservation_id: p.reservation_id })),
    // Only an expiry concerns the order: the other releases follow from what it already decided.
    "inventory.released": route(ReleasedSeen, (event) =>
      event.payload.reason === EXPIRED_RELEASE ? orderFactWrite(event.payload.order_id, { kind: "reservation_expired" }, event.envelope) : Effect.succeed(undefined)
    )
  })

/** `order-consumer`, to run over the records' SQL store (`consumerSpec(..., { overRecords: true })`). */
export const orderConsumer = () => ({ group: ORDER_CONSUMER_GROUP, topics: ORDER_CONSUMER_TOPICS, handler: routes() })
