/**
 * Checkout's OrderStock port over catalog's StockReservations (SPEC §4.1), built on the process's own
 * store and outbox exactly as the catalog app builds it (memory embedded, Redis distributed), so a
 * reservation and its `inventory.reserved` land in one atomic step wherever checkout runs. Catalog's
 * InsufficientStock becomes the context's OutOfStock (the lines short), a conflict ReservationGone
 * (finalize asks for an order id's lines only as that id's cart holds them, so the reservation it
 * conflicts with was released); a request the catalog finds malformed cannot come from finalize (its
 * lines come from the cart), so it is a defect, not an answer. A release (of a reservation a
 * finalize made for a cart that changed before its order was written) gives reason `checkout_cancelled`.
 */
import { Effect, Layer } from "effect"
import { ReleaseReasons, StockReservations } from "@kasa/catalog"
import { layerStockReservations } from "@kasa/app-catalog/layers"
import { CheckoutUnavailable, OrderStock, OutOfStock, ReservationGone } from "@kasa/checkout"

export const layerOrderStock = Layer.effect(
  OrderStock,
  Effect.map(StockReservations, (stock) =>
    OrderStock.of({
      reserve: (request) =>
        stock
          .reserve({
            orderId: request.order_id,
            sessionId: request.session_id,
            correlationId: request.context.correlation_id,
            lines: request.lines,
            ttlSeconds: request.ttl_seconds
          })
          .pipe(
            Effect.asVoid,
            Effect.catchTags({
              InsufficientStock: (error) => Effect.fail(new OutOfStock({ lines: error.lines })),
              StoreUnavailable: (error) => Effect.fail(new CheckoutUnavailable({ operation: error.operation, message: error.message })),
              InvalidReservation: (error) => Effect.die(error),
              // Finalize's lines for an order id are always the same (the id names the cart version): a conflict is a released reservation.
              ReservationConflict: (error) => Effect.fail(new ReservationGone({ order_id: error.order_id }))
            })
          ),
      release: (orderId, context) =>
        stock.release(orderId, ReleaseReasons.checkoutCancelled, { correlationId: context.correlation_id }).pipe(
          Effect.asVoid,
          Effect.catchTags({
            ReservationNotFound: () => Effect.void,
            StoreUnavailable: (error) => Effect.fail(new CheckoutUnavailable({ operation: error.operation, message: error.message })),
            InvalidReservation: (error) => Effect.die(error)
          })
        )
    })
  )
).pipe(Layer.provide(layerStockReservations))
