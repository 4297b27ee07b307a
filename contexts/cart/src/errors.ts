/**
 * What can go wrong in the cart, as tagged errors in the error channel (ARCHITECTURE §3). They speak
 * the domain's language and carry the facts a client needs; the app maps each tag to an HTTP status
 * in one table (apps/cart/src/errors-to-http.ts), so no status code lives in this context.
 */
import { Schema } from "effect"

/** A line's quantity outside 1..99 (a PATCH or an add asking for it). */
export class InvalidQuantity extends Schema.TaggedError<InvalidQuantity>()("InvalidQuantity", {
  quantity: Schema.Number,
  min: Schema.Number,
  max: Schema.Number
}) {}

/** The catalog has no offer with this id. */
export class OfferNotFound extends Schema.TaggedError<OfferNotFound>()("OfferNotFound", {
  offer_id: Schema.String
}) {}

/** The cart has no line with this id. */
export class LineNotFound extends Schema.TaggedError<LineNotFound>()("LineNotFound", {
  item_id: Schema.String
}) {}

/** A warranty, service or accessory names a parent line the cart does not have. */
export class ParentLineNotFound extends Schema.TaggedError<ParentLineNotFound>()("ParentLineNotFound", {
  parent_item_id: Schema.String
}) {}

/** Adding another line would pass the limit of lines per cart. */
export class TooManyLines extends Schema.TaggedError<TooManyLines>()("TooManyLines", {
  max: Schema.Number
}) {}

/** Merging into an existing line would take its quantity past the per-line limit. */
export class LineQuantityLimitExceeded extends Schema.TaggedError<LineQuantityLimitExceeded>()("LineQuantityLimitExceeded", {
  item_id: Schema.String,
  quantity: Schema.Number,
  max: Schema.Number
}) {}

/** A warranty is always attached to a line. */
export class ParentRequired extends Schema.TaggedError<ParentRequired>()("ParentRequired", {
  type: Schema.String
}) {}

/** A plain offer stands on its own: it cannot be attached to another line. */
export class ParentNotAllowed extends Schema.TaggedError<ParentNotAllowed>()("ParentNotAllowed", {
  type: Schema.String
}) {}

/** The parent line exists but this item may not be attached to it (wrong category, or not a product line). */
export class NotAttachable extends Schema.TaggedError<NotAttachable>()("NotAttachable", {
  offer_id: Schema.String,
  parent_item_id: Schema.String,
  reason: Schema.String
}) {}

/** The offer cannot be added as the requested type (a warranty as a plain offer, a TV as an accessory). */
export class OfferTypeMismatch extends Schema.TaggedError<OfferTypeMismatch>()("OfferTypeMismatch", {
  offer_id: Schema.String,
  type: Schema.String,
  reason: Schema.String
}) {}

/** A session has one currency: an offer priced in another cannot join the cart. */
export class CurrencyMismatch extends Schema.TaggedError<CurrencyMismatch>()("CurrencyMismatch", {
  cart_currency: Schema.String,
  offer_currency: Schema.String
}) {}

/** The service cannot be added (unknown, not offered for that parent line, or services not available at all). */
export class ServiceNotAvailable extends Schema.TaggedError<ServiceNotAvailable>()("ServiceNotAvailable", {
  service_id: Schema.String,
  reason: Schema.String
}) {}

/** The line already carries this warranty or service: a parent has one of each (SPEC §4.2). */
export class AlreadyAttached extends Schema.TaggedError<AlreadyAttached>()("AlreadyAttached", {
  offer_id: Schema.String,
  item_id: Schema.String,
  parent_item_id: Schema.NullOr(Schema.String)
}) {}

/** A warranty or service line's quantity is not the shopper's to set: it follows its parent (or is 1 per cart). */
export class QuantityNotAdjustable extends Schema.TaggedError<QuantityNotAdjustable>()("QuantityNotAdjustable", {
  item_id: Schema.String,
  reason: Schema.String
}) {}

/** Other writers kept changing this cart while the change was retried; nothing was applied. */
export class CartChangedConcurrently extends Schema.TaggedError<CartChangedConcurrently>()("CartChangedConcurrently", {
  attempts: Schema.Number
}) {}

/** The cart's store cannot be reached or holds something unreadable; nothing was applied. */
export class CartUnavailable extends Schema.TaggedError<CartUnavailable>()("CartUnavailable", {
  operation: Schema.String,
  message: Schema.String
}) {}

/** The rule violations `addLine` can report. */
export type AddLineError =
  | InvalidQuantity
  | TooManyLines
  | LineQuantityLimitExceeded
  | ParentRequired
  | ParentNotAllowed
  | ParentLineNotFound
  | NotAttachable
  | OfferTypeMismatch
  | CurrencyMismatch
  | AlreadyAttached

/** Every error a cart use case can fail with. */
export type CartError = AddLineError | OfferNotFound | LineNotFound | QuantityNotAdjustable | ServiceNotAvailable | CartChangedConcurrently | CartUnavailable
