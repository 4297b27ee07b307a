/**
 * The catalog's expected failures as tagged errors: what a caller can act on (an unknown product, a
 * shortage per line, a reservation that does not exist or can no longer move). Apps map the tags to
 * HTTP statuses in their one table; a store that does not answer is the kernel's StoreUnavailable.
 */
import { Schema } from "effect"

export class ProductNotFound extends Schema.TaggedError<ProductNotFound>()("ProductNotFound", {
  offer_id: Schema.String
}) {
  override get message(): string {
    return `no product with offer_id ${JSON.stringify(this.offer_id)}`
  }
}

export class UnknownCategory extends Schema.TaggedError<UnknownCategory>()("UnknownCategory", {
  category: Schema.String,
  known: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `unknown category ${JSON.stringify(this.category)}; one of ${this.known.join(", ")}`
  }
}

/** The data file (or any product list) does not describe a usable catalog; `problems` name each field. */
export class InvalidCatalog extends Schema.TaggedError<InvalidCatalog>()("InvalidCatalog", {
  source: Schema.String,
  problems: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `invalid catalog ${this.source}: ${this.problems.join("; ")}`
  }
}

export const ShortLine = Schema.Struct({
  offer_id: Schema.String,
  requested: Schema.Int,
  available: Schema.Int
})
export type ShortLine = typeof ShortLine.Type

/** A reservation could not take every line; nothing was taken. `lines` lists only the short ones. */
export class InsufficientStock extends Schema.TaggedError<InsufficientStock>()("InsufficientStock", {
  order_id: Schema.String,
  lines: Schema.Array(ShortLine)
}) {
  override get message(): string {
    return `not enough stock for order ${this.order_id}: ${this.lines.map((l) => `${l.offer_id} requested ${l.requested}, available ${l.available}`).join("; ")}`
  }
}

/** A reservation request that cannot be taken as asked (no lines, a quantity that is not a whole positive number, ...). */
export class InvalidReservation extends Schema.TaggedError<InvalidReservation>()("InvalidReservation", {
  problems: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `invalid reservation: ${this.problems.join("; ")}`
  }
}

export class ReservationNotFound extends Schema.TaggedError<ReservationNotFound>()("ReservationNotFound", {
  order_id: Schema.String
}) {
  override get message(): string {
    return `no stock reservation for order ${JSON.stringify(this.order_id)}`
  }
}

/** The order already holds a reservation that differs from this request, or one that was released. */
export class ReservationConflict extends Schema.TaggedError<ReservationConflict>()("ReservationConflict", {
  order_id: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `order ${this.order_id} cannot be reserved: ${this.reason}`
  }
}

/** Commit of a reservation whose units already went back to stock (it expired or was released). */
export class ReservationReleased extends Schema.TaggedError<ReservationReleased>()("ReservationReleased", {
  order_id: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `the reservation of order ${this.order_id} was released (${this.reason}) and cannot be committed`
  }
}
