/**
 * The cart and its rules (SPEC §4.2) as pure functions: no I/O, no clock, no randomness. A change
 * returns the new cart plus one `CartChange` per event it causes; each change bumps `version` by one
 * and carries the cart as it stands after it, so every event has its own monotonic `cart_version`
 * and snapshot. A new line's id is derived from the version that created it (`item_<version>`),
 * which is unique within the session without an id generator. Prices arrive already looked up by
 * the application (catalog or service rules), never from the client.
 */
import { Result, Schema } from "effect"
import { CartSnapshotLine } from "@kasa/shared/cart-snapshot"
import { DEFAULT_CURRENCY } from "@kasa/shared/money"
import {
  type AddLineError,
  AlreadyAttached,
  CurrencyMismatch,
  InvalidQuantity,
  LineNotFound,
  LineQuantityLimitExceeded,
  NotAttachable,
  OfferTypeMismatch,
  ParentLineNotFound,
  ParentNotAllowed,
  ParentRequired,
  QuantityNotAdjustable,
  TooManyLines
} from "./errors.ts"

export const MIN_QUANTITY = 1
export const MAX_QUANTITY = 99
export const MAX_LINES = 50

/** Catalog categories the cart's rules know by name; any other category is an ordinary product. */
export const WARRANTY_CATEGORY = "warranty"
export const ACCESSORY_CATEGORY = "accessory"
/** The category of every service line (services are priced by rules, not catalog offers). */
export const SERVICE_CATEGORY = "service"

export const LineType = CartSnapshotLine.fields.type
export type LineType = typeof LineType.Type

export const Quantity = CartSnapshotLine.fields.quantity.check(Schema.isBetween({ minimum: MIN_QUANTITY, maximum: MAX_QUANTITY }))

/**
 * A line is the kernel's snapshot line (the published language, one copy of its fields) with the
 * cart's own rules on what it writes: ids not empty, 1..99 units, no negative price.
 */
export const Line = CartSnapshotLine.mapFields((fields) => ({
  ...fields,
  item_id: fields.item_id.check(Schema.isNonEmpty()),
  offer_id: fields.offer_id.check(Schema.isNonEmpty()),
  quantity: Quantity,
  unit_price: fields.unit_price.check(Schema.isGreaterThanOrEqualTo(0))
}))
export type Line = typeof Line.Type

export interface Cart {
  readonly session_id: string
  /** Number of changes ever applied: 0 for a cart never written, +1 per event. */
  readonly version: number
  readonly currency: string
  readonly lines: ReadonlyArray<Line>
}

/** What one event records; `cart` is the cart right after this change. */
export type CartChange =
  | { readonly _tag: "ItemAdded"; readonly line: Line; readonly quantity: number; readonly cart: Cart }
  | { readonly _tag: "ItemRemoved"; readonly line: Line; readonly cart: Cart }
  | { readonly _tag: "QuantityChanged"; readonly line: Line; readonly old_quantity: number; readonly cart: Cart }
  | { readonly _tag: "Cleared"; readonly cart: Cart }

/** The outcome of a command: the cart after it and the changes (none when nothing changed). */
export interface Decision {
  readonly cart: Cart
  readonly changes: ReadonlyArray<CartChange>
}

/** What the client asked to add. */
export interface LineRequest {
  readonly offer_id: string
  readonly type: LineType
  readonly quantity: number
  readonly parent_item_id: string | null
}

/** What the server priced it at: a catalog offer, or a service quote. */
export interface PricedItem {
  readonly name: string
  readonly category: string
  readonly unit_price: number
  readonly currency: string
  /** Warranty offers: the categories of lines they may be attached to. */
  readonly warranty_for?: ReadonlyArray<string> | undefined
}

export interface Totals {
  /** Sum of the non-service lines. */
  readonly cart_total: number
  /** Sum of the service lines. */
  readonly services_total: number
  /** Units in the cart, over every line. */
  readonly item_count: number
}

export const emptyCart = (session_id: string): Cart => ({ session_id, version: 0, currency: DEFAULT_CURRENCY, lines: [] })

export const lineIdFor = (version: number): string => `item_${version}`

export const lineTotal = (line: Line): number => line.unit_price * line.quantity

export const totals = (cart: Cart): Totals => {
  let cart_total = 0
  let services_total = 0
  let item_count = 0
  for (const line of cart.lines) {
    if (line.type === "service") services_total += lineTotal(line)
    else cart_total += lineTotal(line)
    item_count += line.quantity
  }
  return { cart_total, services_total, item_count }
}

export const findLine = (cart: Cart, item_id: string): Line | undefined => cart.lines.find((line) => line.item_id === item_id)

const validQuantity = (quantity: number): boolean => Number.isInteger(quantity) && quantity >= MIN_QUANTITY && quantity <= MAX_QUANTITY

const invalidQuantity = (quantity: number) => new InvalidQuantity({ quantity, min: MIN_QUANTITY, max: MAX_QUANTITY })

/** Lines other lines may hang from: products, not warranties or services. */
const isProductLine = (line: Line): boolean => line.type === "offer" || line.type === "accessory"

/** Whether the offer may be added as `type` at all, before looking at any parent. */
const checkType = (request: LineRequest, item: PricedItem): OfferTypeMismatch | undefined => {
  const mismatch = (reason: string) => new OfferTypeMismatch({ offer_id: request.offer_id, type: request.type, reason })
  const isWarranty = item.category === WARRANTY_CATEGORY
  switch (request.type) {
    case "warranty":
      return isWarranty ? undefined : mismatch(`a ${item.category} offer is not a warranty`)
    case "accessory":
      return item.category === ACCESSORY_CATEGORY ? undefined : mismatch(`a ${item.category} offer is not an accessory`)
    case "offer":
      return isWarranty ? mismatch("a warranty is added with type warranty, attached to the line it covers") : undefined
    case "service":
      return undefined
  }
}

/**
 * The line a new item hangs from, checked against its type's rules: a warranty needs a product line,
 * a plain offer has none, accessories and services may have one. Exported so the application can
 * hand the parent to the service pricing port before calling `addLine`; which categories a warranty
 * covers is checked by `addLine`, which has the offer.
 */
export const resolveParent = (
  cart: Cart,
  request: LineRequest
): Result.Result<Line | undefined, ParentRequired | ParentNotAllowed | ParentLineNotFound | NotAttachable> => {
  const id = request.parent_item_id
  if (id === null) return request.type === "warranty" ? Result.fail(new ParentRequired({ type: request.type })) : Result.succeed(undefined)
  if (request.type === "offer") return Result.fail(new ParentNotAllowed({ type: request.type }))
  const parent = findLine(cart, id)
  if (parent === undefined) return Result.fail(new ParentLineNotFound({ parent_item_id: id }))
  if (!isProductLine(parent)) return Result.fail(notAttachable(request, id, `a ${request.type} attaches to a product line, not to a ${parent.type}`))
  if (request.type === "accessory" && parent.type !== "offer") return Result.fail(notAttachable(request, id, "an accessory attaches to a product line, not to another accessory"))
  return Result.succeed(parent)
}

const notAttachable = (request: LineRequest, parent_item_id: string, reason: string) =>
  new NotAttachable({ offer_id: request.offer_id, parent_item_id, reason })

/** A warranty covers the categories its offer lists, nothing else. */
const checkCoverage = (request: LineRequest, item: PricedItem, parent: Line | undefined): NotAttachable | undefined => {
  if (request.type !== "warranty" || parent === undefined) return undefined
  const covers = item.warranty_for ?? []
  return covers.includes(parent.category)
    ? undefined
    : notAttachable(request, parent.item_id, `this warranty covers ${covers.length === 0 ? "no category" : covers.join(", ")}, not ${parent.category}`)
}

/**
 * A cart the store does not hold (new, expired, or removed after checkout) starts from a version floor
 * (CartVersionFloor: the clock in milliseconds): other contexts drop cart events older than the version
 * they hold, and their projections may outlive an expired cart by a little, so a cart that comes back
 * must not count from 1 again. Its earlier life started at a lower floor and cannot have made more than
 * one change per millisecond of it, so the new floor is above every version it used.
 */
export const restartedCart = (cart: Cart, floor: number): Cart => ({ ...cart, version: Math.max(cart.version, floor) })

/** The cart after one more change: version + 1. */
const advance = (cart: Cart, lines: ReadonlyArray<Line>, currency: string = cart.currency): Cart => ({
  session_id: cart.session_id,
  version: cart.version + 1,
  currency,
  lines
})

const single = (change: CartChange): Decision => ({ cart: change.cart, changes: [change] })

/**
 * The quantity a service line has (SPEC §9): an item-bound service is priced per unit of its parent
 * line, so it has the parent's quantity and follows it; a standalone service is per cart, so 1.
 */
export const serviceQuantity = (parent: Line | undefined): number => parent?.quantity ?? 1

/**
 * Lines whose quantity is not the shopper's (SPEC §4.2): a warranty or an item-bound service covers
 * each unit of its parent, and a standalone service is one per cart.
 */
const isBoundLine = (line: Pick<Line, "type">): boolean => line.type === "warranty" || line.type === "service"

/** Removes `line` from `cart` as one change (a warranty being replaced by another). */
const without = (cart: Cart, line: Line): CartChange => {
  const after = advance(cart, cart.lines.filter((other) => other !== line))
  return { _tag: "ItemRemoved", line, cart: after }
}

/**
 * Adds `request` priced as `item`. The same offer with the same type and parent merges into its line
 * (the merged quantity must stay within 1..99); otherwise a new line is appended (at most 50).
 * A warranty or service line takes its parent's quantity (`serviceQuantity`) whatever quantity was
 * asked; a parent carries one of each service and one warranty: the same one again is
 * AlreadyAttached, another warranty replaces the first (two changes: the old one out, the new one in).
 * An empty cart takes the item's currency; a non-empty one refuses another currency.
 */
export const addLine = (cart: Cart, request: LineRequest, item: PricedItem): Result.Result<Decision, AddLineError> => {
  if (!validQuantity(request.quantity)) return Result.fail(invalidQuantity(request.quantity))
  const typeProblem = checkType(request, item)
  if (typeProblem !== undefined) return Result.fail(typeProblem)
  const parent = resolveParent(cart, request)
  if (Result.isFailure(parent)) return Result.fail(parent.failure)
  const coverage = checkCoverage(request, item, parent.success)
  if (coverage !== undefined) return Result.fail(coverage)
  const currency = cart.lines.length === 0 ? item.currency : cart.currency
  if (item.currency !== currency) return Result.fail(new CurrencyMismatch({ cart_currency: currency, offer_currency: item.currency }))

  const index = cart.lines.findIndex(
    (line) => line.offer_id === request.offer_id && line.type === request.type && line.parent_item_id === request.parent_item_id
  )
  const bound = isBoundLine(request)
  if (index >= 0 && bound) {
    const existing = cart.lines[index]!
    return Result.fail(new AlreadyAttached({ offer_id: request.offer_id, item_id: existing.item_id, parent_item_id: request.parent_item_id }))
  }
  if (index >= 0) {
    const existing = cart.lines[index]!
    const quantity = existing.quantity + request.quantity
    if (quantity > MAX_QUANTITY) return Result.fail(new LineQuantityLimitExceeded({ item_id: existing.item_id, quantity, max: MAX_QUANTITY }))
    // A line has one unit price: the current one, which the shopper has just been shown.
    const line: Line = { ...existing, name: item.name, quantity, unit_price: item.unit_price }
    const after = advance(cart, cart.lines.with(index, line), currency)
    return Result.succeed(single({ _tag: "ItemAdded", line, quantity: request.quantity, cart: after }))
  }
  const replaced =
    request.type === "warranty" ? cart.lines.find((line) => line.type === "warranty" && line.parent_item_id === request.parent_item_id) : undefined
  if (replaced === undefined && cart.lines.length >= MAX_LINES) return Result.fail(new TooManyLines({ max: MAX_LINES }))
  const changes: Array<CartChange> = replaced === undefined ? [] : [without(cart, replaced)]
  const before = changes.length === 0 ? cart : changes[0]!.cart
  const quantity = bound ? serviceQuantity(parent.success) : request.quantity
  const line: Line = {
    item_id: lineIdFor(before.version + 1),
    offer_id: request.offer_id,
    type: request.type,
    name: item.name,
    category: item.category,
    quantity,
    unit_price: item.unit_price,
    parent_item_id: request.parent_item_id
  }
  const after = advance(before, [...before.lines, line], currency)
  changes.push({ _tag: "ItemAdded", line, quantity, cart: after })
  return Result.succeed({ cart: after, changes })
}

/**
 * Sets a line's quantity; setting the quantity it already has changes nothing. The warranty and
 * service lines attached to it follow (one change each, after the line's own), so they keep covering
 * every unit. A warranty or service line's own quantity is not the shopper's to set (QuantityNotAdjustable).
 */
export const changeQuantity = (
  cart: Cart,
  item_id: string,
  quantity: number
): Result.Result<Decision, InvalidQuantity | LineNotFound | QuantityNotAdjustable> => {
  if (!validQuantity(quantity)) return Result.fail(invalidQuantity(quantity))
  const index = cart.lines.findIndex((line) => line.item_id === item_id)
  if (index < 0) return Result.fail(new LineNotFound({ item_id }))
  const existing = cart.lines[index]!
  if (isBoundLine(existing)) {
    const reason =
      existing.parent_item_id === null
        ? `a standalone service is one per cart; its quantity is always 1`
        : `a ${existing.type} covers each unit of line ${existing.parent_item_id}: its quantity follows that line's; change the parent's quantity instead`
    return Result.fail(new QuantityNotAdjustable({ item_id, reason }))
  }
  if (existing.quantity === quantity) return Result.succeed({ cart, changes: [] })
  const changes: Array<CartChange> = []
  let current = cart
  const set = (at: number, before: Line) => {
    const line: Line = { ...before, quantity }
    current = advance(current, current.lines.with(at, line))
    changes.push({ _tag: "QuantityChanged", line, old_quantity: before.quantity, cart: current })
  }
  set(index, existing)
  cart.lines.forEach((child, at) => {
    if (isBoundLine(child) && child.parent_item_id === item_id && child.quantity !== quantity) set(at, child)
  })
  return Result.succeed({ cart: current, changes })
}

/**
 * Removes a line and the warranty and service lines attached to it, children first, one change
 * each. Accessories attached to it stay in the cart as lines of their own (the shopper chose them).
 */
export const removeLine = (cart: Cart, item_id: string): Result.Result<Decision, LineNotFound> => {
  const target = findLine(cart, item_id)
  if (target === undefined) return Result.fail(new LineNotFound({ item_id }))
  const changes: Array<CartChange> = []
  let current = cart
  const remove = (line: Line, detachChildren: boolean) => {
    const lines: Array<Line> = []
    for (const other of current.lines) {
      if (other === line) continue
      lines.push(detachChildren && other.parent_item_id === line.item_id ? { ...other, parent_item_id: null } : other)
    }
    current = advance(current, lines)
    changes.push({ _tag: "ItemRemoved", line, cart: current })
  }
  for (const child of cart.lines) {
    if (child.parent_item_id === item_id && (child.type === "warranty" || child.type === "service")) remove(child, false)
  }
  remove(target, true)
  return Result.succeed({ cart: current, changes })
}

/** Empties the cart; clearing an empty cart changes nothing (and publishes nothing). */
export const clear = (cart: Cart): Decision => (cart.lines.length === 0 ? { cart, changes: [] } : single({ _tag: "Cleared", cart: advance(cart, []) }))
