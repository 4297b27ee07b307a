/**
 * The catalog's use cases over its ports: browsing products with their live stock, and the stock
 * operations the checkout and the catalog's consumers drive (reserve an order, commit it, release
 * it, sweep expired holds, seed the counters at start). Reserving checks every offer against the
 * catalog first, so an unknown product is named as such rather than reported as out of stock.
 */
import { Clock, Effect, Result } from "effect"
import { findProduct, parseCategory, productsIn, withStock } from "./catalog.ts"
import { ProductNotFound } from "./errors.ts"
import type { EventContext } from "./events.ts"
import { ProductCatalog, StockReservations } from "./ports.ts"
import type { Product } from "./product.ts"
import type { ReserveRequest } from "./reservation.ts"

const liveStock = Effect.fn("Catalog.liveStock")(function* (products: ReadonlyArray<Product>) {
  const stock = yield* StockReservations
  const levels = yield* stock.stock(products.map((p) => p.offer_id))
  return products.map((product, i) => withStock(product, levels[i]?.stock ?? 0))
})

/** Every product, or those of `category` (a raw query value: an unknown one fails with UnknownCategory). */
export const listProducts = Effect.fn("Catalog.listProducts")(function* (category?: string) {
  const catalog = yield* ProductCatalog
  let filter
  if (category !== undefined) {
    const parsed = parseCategory(category)
    if (Result.isFailure(parsed)) return yield* parsed.failure
    filter = parsed.success
  }
  return yield* liveStock(productsIn(catalog, filter))
})

export const getProduct = Effect.fn("Catalog.getProduct")(function* (offerId: string) {
  const catalog = yield* ProductCatalog
  const found = findProduct(catalog, offerId)
  if (Result.isFailure(found)) return yield* found.failure
  const [product] = yield* liveStock([found.success])
  return product!
})

export const reserveStock = Effect.fn("Catalog.reserveStock")(function* (request: ReserveRequest) {
  const catalog = yield* ProductCatalog
  const unknown = request.lines.find((line) => !catalog.byId.has(line.offer_id))
  if (unknown !== undefined) return yield* new ProductNotFound({ offer_id: unknown.offer_id })
  const stock = yield* StockReservations
  return yield* stock.reserve(request)
})

export const commitStock = Effect.fn("Catalog.commitStock")(function* (orderId: string, context?: EventContext) {
  const stock = yield* StockReservations
  return yield* stock.commit(orderId, context)
})

export const releaseStock = Effect.fn("Catalog.releaseStock")(function* (orderId: string, reason: string, context?: EventContext) {
  const stock = yield* StockReservations
  return yield* stock.release(orderId, reason, context)
})

/** Releases every hold past its deadline as of the clock's now. */
export const releaseExpiredReservations = Effect.fn("Catalog.releaseExpiredReservations")(function* () {
  const stock = yield* StockReservations
  const now = yield* Clock.currentTimeMillis
  return yield* stock.releaseExpired(new Date(now))
})

/** Stock counters from the catalog's initial levels, only where none is set yet. */
export const seedStock = Effect.fn("Catalog.seedStock")(function* () {
  const catalog = yield* ProductCatalog
  const stock = yield* StockReservations
  return yield* stock.seed(catalog.products.map((p) => ({ offer_id: p.offer_id, stock: p.stock })))
})

