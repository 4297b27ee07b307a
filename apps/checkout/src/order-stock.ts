/**
 * Checkout's OrderStock port over catalog's StockReservations (SPEC §4.1), built on the process's own
 * store and outbox exactly as the catalog app builds it (memory embedded, Redis distributed), so a
 * reservation and its `inventory.reserved` land in one atomic step wherever checkout runs. Catalog's
 * InsufficientStock becomes the context's OutOfStock (the lines short); a request the catalog finds
 * malformed or conflicting cannot come from finalize (its lines come from the cart, its order id is
 * derived from the cart version), so it is a defect, not an answer.
 */
import { Effect, Layer } from "effect"
import { StockReservations } from "@kasa/catalog"
import { layerStockReservations } from "@kasa/app-catalog/layers"
import { CheckoutUnavailable, OrderStock, OutOfStock } from "@kasa/checkout"

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
              ReservationConflict: (error) => Effect.die(error)
            })
          )
    })
  )
).pipe(Layer.provide(layerStockReservations))
