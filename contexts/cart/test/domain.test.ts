// The cart's rules, table-driven: every accepted and every refused case of addLine, changeQuantity,
// removeLine, clear and totals, on carts built through the domain itself (no runtime, no store).
import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import {
  addLine,
  changeQuantity,
  clear,
  emptyCart,
  type Cart,
  type LineRequest,
  MAX_LINES,
  type PricedItem,
  removeLine,
  SERVICE_CATEGORY,
  totals
} from "@kasa/cart"
import { fixtureOffer, lineRequest, pricedOffer, withLine } from "@kasa/cart/testing"

const SESSION = "sess_domainTest0000000000"

/** Frozen all the way down: a rule that mutated its input cart would throw. */
const frozen = <A>(value: A): A => {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) frozen(inner)
    Object.freeze(value)
  }
  return value
}

/** Builds a cart by adding fixture lines in order: [offer_id, overrides]. */
const cartWith = (...adds: ReadonlyArray<readonly [string, Partial<LineRequest>?]>): Cart =>
  frozen(adds.reduce((cart, [offerId, overrides]) => withLine(cart, offerId, overrides).cart, emptyCart(SESSION)))

const carryIn: PricedItem = { name: "Carry-in", category: SERVICE_CATEGORY, unit_price: 4_900, currency: "PLN" }

const tv = cartWith(["tv-55-oled"]) // item_1 = tv
const tvWithWarranty = cartWith(["tv-55-oled"], ["warranty-2y-tv", { type: "warranty", parent_item_id: "item_1" }]) // item_2 = warranty
const tvWithCable = cartWith(["tv-55-oled"], ["hdmi-cable", { type: "accessory", parent_item_id: "item_1" }]) // item_2 = cable
/** A cart of MAX_LINES lines: item_1 is the HDMI cable, the rest made-up offers. */
const fullCart = Array.from({ length: MAX_LINES - 1 }, (_, i) => `offer-${i}`).reduce(
  (cart, id) => Result.getOrThrow(addLine(cart, lineRequest(id), { name: id, category: "tv", unit_price: 100, currency: "PLN" })).cart,
  cartWith(["hdmi-cable"])
)
frozen(fullCart)

const add = (cart: Cart, request: LineRequest, item: PricedItem = pricedOffer(fixtureOffer(request.offer_id))) => addLine(cart, request, item)

describe("addLine refuses what the rules forbid", () => {
  const refusals: ReadonlyArray<readonly [string, Cart, LineRequest, PricedItem | undefined, string]> = [
    ["quantity 0", emptyCart(SESSION), lineRequest("tv-55-oled", { quantity: 0 }), undefined, "InvalidQuantity"],
    ["quantity 100", emptyCart(SESSION), lineRequest("tv-55-oled", { quantity: 100 }), undefined, "InvalidQuantity"],
    ["a fractional quantity", emptyCart(SESSION), lineRequest("tv-55-oled", { quantity: 1.5 }), undefined, "InvalidQuantity"],
    ["a negative quantity", emptyCart(SESSION), lineRequest("tv-55-oled", { quantity: -1 }), undefined, "InvalidQuantity"],
    ["a merge past 99", cartWith(["tv-55-oled", { quantity: 98 }]), lineRequest("tv-55-oled", { quantity: 2 }), undefined, "LineQuantityLimitExceeded"],
    [`a line past ${MAX_LINES}`, fullCart, lineRequest("tv-55-oled"), undefined, "TooManyLines"],
    ["a warranty without a parent", tv, lineRequest("warranty-2y-tv", { type: "warranty" }), undefined, "ParentRequired"],
    ["a warranty for a line that does not exist", tv, lineRequest("warranty-2y-tv", { type: "warranty", parent_item_id: "item_9" }), undefined, "ParentLineNotFound"],
    ["a TV warranty on a fridge", cartWith(["fridge-a"]), lineRequest("warranty-2y-tv", { type: "warranty", parent_item_id: "item_1" }), undefined, "NotAttachable"],
    ["a warranty on a warranty", tvWithWarranty, lineRequest("warranty-2y-tv", { type: "warranty", parent_item_id: "item_2" }), undefined, "NotAttachable"],
    ["a warranty on an accessory it does not cover", tvWithCable, lineRequest("warranty-2y-tv", { type: "warranty", parent_item_id: "item_2" }), undefined, "NotAttachable"],
    ["a warranty added as a plain offer", tv, lineRequest("warranty-2y-tv"), undefined, "OfferTypeMismatch"],
    ["a TV added as a warranty", tv, lineRequest("tv-55-oled", { type: "warranty", parent_item_id: "item_1" }), undefined, "OfferTypeMismatch"],
    ["a TV added as an accessory", tv, lineRequest("fridge-a", { type: "accessory", parent_item_id: "item_1" }), undefined, "OfferTypeMismatch"],
    ["a plain offer with a parent", tv, lineRequest("sofa-3", { parent_item_id: "item_1" }), undefined, "ParentNotAllowed"],
    ["an accessory for a line that does not exist", tv, lineRequest("hdmi-cable", { type: "accessory", parent_item_id: "item_7" }), undefined, "ParentLineNotFound"],
    ["an accessory on an accessory", tvWithCable, lineRequest("hdmi-cable", { type: "accessory", parent_item_id: "item_2" }), undefined, "NotAttachable"],
    ["an accessory on a warranty", tvWithWarranty, lineRequest("hdmi-cable", { type: "accessory", parent_item_id: "item_2" }), undefined, "NotAttachable"],
    ["a service for a line that does not exist", tv, lineRequest("carry_in", { type: "service", parent_item_id: "item_5" }), carryIn, "ParentLineNotFound"],
    ["a service on a warranty", tvWithWarranty, lineRequest("carry_in", { type: "service", parent_item_id: "item_2" }), carryIn, "NotAttachable"],
    ["an offer in another currency", tv, lineRequest("lamp-eur"), undefined, "CurrencyMismatch"]
  ]
  for (const [name, cart, request, item, expected] of refusals) {
    test(`${name} → ${expected}`, () => {
      const result = add(cart, request, item)
      expect(Result.isFailure(result) ? result.failure._tag : "accepted").toBe(expected)
    })
  }
})

describe("addLine accepts and prices server side", () => {
  test("a new line gets an id from the version that created it, the catalog's name, category and price", () => {
    const decision = Result.getOrThrow(add(emptyCart(SESSION), lineRequest("tv-55-oled", { quantity: 2 })))
    expect(decision.cart.version).toBe(1)
    expect(decision.cart.currency).toBe("PLN")
    expect(decision.cart.lines).toEqual([
      { item_id: "item_1", offer_id: "tv-55-oled", type: "offer", name: 'OLED TV 55"', category: "tv", quantity: 2, unit_price: 499_900, parent_item_id: null }
    ])
    expect(decision.changes).toEqual([{ _tag: "ItemAdded", line: decision.cart.lines[0]!, quantity: 2, cart: decision.cart }])
  })

  test.each<[string, Cart, LineRequest, ReadonlyArray<readonly [string, number, string | null]>]>([
    ["the same offer merges into its line", cartWith(["tv-55-oled"]), lineRequest("tv-55-oled", { quantity: 3 }), [["item_1", 4, null]]],
    ["a merge up to exactly 99", cartWith(["tv-55-oled", { quantity: 98 }]), lineRequest("tv-55-oled"), [["item_1", 99, null]]],
    ["the same offer as another type is its own line", cartWith(["hdmi-cable"]), lineRequest("hdmi-cable", { type: "accessory" }), [["item_1", 1, null], ["item_2", 1, null]]],
    [
      "the same accessory under another parent is its own line",
      tvWithCable,
      lineRequest("hdmi-cable", { type: "accessory" }),
      [["item_1", 1, null], ["item_2", 1, "item_1"], ["item_3", 1, null]]
    ],
    ["a TV warranty on a TV", tv, lineRequest("warranty-2y-tv", { type: "warranty", parent_item_id: "item_1" }), [["item_1", 1, null], ["item_2", 1, "item_1"]]],
    ["an accessory on its own", tv, lineRequest("hdmi-cable", { type: "accessory" }), [["item_1", 1, null], ["item_2", 1, null]]],
    ["an accessory on a product line", tv, lineRequest("hdmi-cable", { type: "accessory", parent_item_id: "item_1" }), [["item_1", 1, null], ["item_2", 1, "item_1"]]],
    ["an accessory bought as a plain offer", tv, lineRequest("hdmi-cable"), [["item_1", 1, null], ["item_2", 1, null]]],
    [`a merge into a cart of ${MAX_LINES} lines`, fullCart, lineRequest("hdmi-cable"), [["item_1", 2, null]]]
  ])("%s", (_, cart, request, expected) => {
    const decision = Result.getOrThrow(add(cart, request))
    expect(decision.cart.lines.slice(0, expected.length).map((l) => [l.item_id, l.quantity, l.parent_item_id] as const)).toEqual([...expected])
    expect(decision.cart.version).toBe(cart.version + 1)
    expect(decision.changes).toHaveLength(1)
    expect(decision.changes[0]).toMatchObject({ _tag: "ItemAdded", quantity: request.quantity })
  })

  test("a merged line takes the current price and name: a line has one unit price, the one just shown", () => {
    const cart = cartWith(["tv-55-oled"])
    const repriced = { ...pricedOffer(fixtureOffer("tv-55-oled")), name: "OLED TV 55\" (2026)", unit_price: 449_900 }
    const decision = Result.getOrThrow(add(cart, lineRequest("tv-55-oled"), repriced))
    expect(decision.cart.lines[0]).toMatchObject({ item_id: "item_1", quantity: 2, unit_price: 449_900, name: 'OLED TV 55" (2026)' })
  })

  test("a service line takes the quote's price, the service category, and hangs from its parent", () => {
    const decision = Result.getOrThrow(add(tv, lineRequest("carry_in", { type: "service", parent_item_id: "item_1" }), carryIn))
    expect(decision.cart.lines[1]).toMatchObject({ item_id: "item_2", type: "service", category: "service", unit_price: 4_900, parent_item_id: "item_1" })
  })

  test("a standalone service has no parent", () => {
    const decision = Result.getOrThrow(add(tv, lineRequest("gift_wrap", { type: "service" }), { ...carryIn, name: "Gift wrap" }))
    expect(decision.cart.lines[1]).toMatchObject({ type: "service", parent_item_id: null })
  })

  test.each<[string, Cart, LineRequest, number]>([
    ["an item-bound service has its parent's quantity, whatever was asked", cartWith(["tv-55-oled", { quantity: 3 }]), lineRequest("carry_in", { type: "service", parent_item_id: "item_1", quantity: 1 }), 3],
    ["even when more was asked", cartWith(["tv-55-oled", { quantity: 2 }]), lineRequest("carry_in", { type: "service", parent_item_id: "item_1", quantity: 7 }), 2],
    ["a standalone service is one per cart", cartWith(["tv-55-oled", { quantity: 3 }]), lineRequest("gift_wrap", { type: "service", quantity: 4 }), 1]
  ])("%s", (_, cart, request, quantity) => {
    const decision = Result.getOrThrow(add(cart, request, carryIn))
    expect(decision.cart.lines[1]).toMatchObject({ offer_id: request.offer_id, quantity })
    expect(decision.changes).toEqual([{ _tag: "ItemAdded", line: decision.cart.lines[1]!, quantity, cart: decision.cart }])
  })

  test.each<[string, LineRequest]>([
    ["an item-bound service the line already has", lineRequest("carry_in", { type: "service", parent_item_id: "item_1" })],
    ["a standalone service the cart already has", lineRequest("gift_wrap", { type: "service" })],
    ["the warranty the line already has", lineRequest("warranty-2y-tv", { type: "warranty", parent_item_id: "item_1" })]
  ])("adding %s again → AlreadyAttached naming the line that has it", (_, request) => {
    const item = request.type === "warranty" ? undefined : carryIn
    const once = Result.getOrThrow(add(cartWith(["tv-55-oled", { quantity: 2 }]), request, item)).cart
    const again = add(frozen(once), request, item)
    const failure = Result.isFailure(again) ? again.failure : undefined
    expect(failure?._tag === "AlreadyAttached" ? [failure.offer_id, failure.item_id] : failure?._tag ?? "accepted").toEqual([request.offer_id, "item_2"])
  })

  test("a warranty has its parent's quantity, whatever was asked", () => {
    const decision = Result.getOrThrow(add(cartWith(["tv-55-oled", { quantity: 3 }]), lineRequest("warranty-2y-tv", { type: "warranty", parent_item_id: "item_1", quantity: 99 })))
    expect(decision.cart.lines[1]).toMatchObject({ offer_id: "warranty-2y-tv", quantity: 3, parent_item_id: "item_1" })
  })

  test("another warranty on the same line replaces the first: the old one out, the new one in, one change and version each", () => {
    const decision = Result.getOrThrow(add(tvWithWarranty, lineRequest("warranty-3y-tv", { type: "warranty", parent_item_id: "item_1" })))
    expect(decision.cart.lines.map((l) => [l.item_id, l.offer_id, l.quantity, l.parent_item_id])).toEqual([
      ["item_1", "tv-55-oled", 1, null],
      ["item_4", "warranty-3y-tv", 1, "item_1"]
    ])
    expect(decision.changes.map((c) => [c._tag, c._tag === "Cleared" ? "" : c.line.item_id, c.cart.version])).toEqual([
      ["ItemRemoved", "item_2", tvWithWarranty.version + 1],
      ["ItemAdded", "item_4", tvWithWarranty.version + 2]
    ])
    expect(decision.cart.version).toBe(tvWithWarranty.version + 2)
  })

  test("a replacing warranty is accepted in a full cart (the line count does not grow)", () => {
    const full = Array.from({ length: MAX_LINES - 2 }, (_, i) => `offer-${i}`).reduce(
      (cart, id) => Result.getOrThrow(addLine(cart, lineRequest(id), { name: id, category: "tv", unit_price: 100, currency: "PLN" })).cart,
      tvWithWarranty
    )
    expect(full.lines).toHaveLength(MAX_LINES)
    const decision = Result.getOrThrow(add(frozen(full), lineRequest("warranty-3y-tv", { type: "warranty", parent_item_id: "item_1" })))
    expect(decision.cart.lines).toHaveLength(MAX_LINES)
    expect(decision.cart.lines.filter((l) => l.type === "warranty").map((l) => l.offer_id)).toEqual(["warranty-3y-tv"])
  })

  test("an empty cart takes the currency of its first line", () => {
    const decision = Result.getOrThrow(add(emptyCart(SESSION), lineRequest("lamp-eur")))
    expect(decision.cart.currency).toBe("EUR")
    expect(Result.isFailure(add(decision.cart, lineRequest("tv-55-oled")))).toBe(true)
  })
})

describe("changeQuantity", () => {
  for (const quantity of [0, 100, 2.5, -3]) {
    test(`to ${quantity} → InvalidQuantity`, () => {
      const result = changeQuantity(tv, "item_1", quantity)
      expect(Result.isFailure(result) ? result.failure._tag : "accepted").toBe("InvalidQuantity")
    })
  }

  test("of a line that does not exist → LineNotFound", () => {
    const result = changeQuantity(tv, "item_42", 2)
    expect(Result.isFailure(result) && result.failure._tag).toBe("LineNotFound")
  })

  test.each<[number]>([[1], [99], [7]])("to %d sets the quantity and records the old one", (quantity) => {
    const cart = cartWith(["tv-55-oled", { quantity: 3 }])
    const decision = Result.getOrThrow(changeQuantity(cart, "item_1", quantity))
    expect(decision.cart.lines[0]!.quantity).toBe(quantity)
    expect(decision.cart.version).toBe(2)
    expect(decision.changes).toEqual([{ _tag: "QuantityChanged", line: decision.cart.lines[0]!, old_quantity: 3, cart: decision.cart }])
  })

  test("to the quantity it already has changes nothing", () => {
    const decision = Result.getOrThrow(changeQuantity(tv, "item_1", 1))
    expect(decision).toEqual({ cart: tv, changes: [] })
  })

  describe("with service lines", () => {
    // item_1 TV ×2, item_2 its warranty, item_3 its carry-in, item_4 a sofa, item_5 its assembly, item_6 a gift wrap.
    const withServices = frozen(
      [
        [lineRequest("carry_in", { type: "service", parent_item_id: "item_1" }), carryIn],
        [lineRequest("sofa-3"), undefined],
        [lineRequest("assembly", { type: "service", parent_item_id: "item_4" }), { ...carryIn, name: "Assembly", unit_price: 9_900 }],
        [lineRequest("gift_wrap", { type: "service" }), { ...carryIn, name: "Gift wrap", unit_price: 1_500 }]
      ].reduce<Cart>(
        (cart, [request, item]) => Result.getOrThrow(add(cart, request as LineRequest, item as PricedItem | undefined)).cart,
        cartWith(["tv-55-oled", { quantity: 2 }], ["warranty-2y-tv", { type: "warranty", parent_item_id: "item_1" }])
      )
    )
    const quantities = (cart: Cart) => cart.lines.map((l) => [l.item_id, l.quantity])

    test("a line's warranty and service follow its quantity, one change each, the line's first; other lines do not", () => {
      const decision = Result.getOrThrow(changeQuantity(withServices, "item_1", 5))
      expect(quantities(decision.cart)).toEqual([["item_1", 5], ["item_2", 5], ["item_3", 5], ["item_4", 1], ["item_5", 1], ["item_6", 1]])
      expect(decision.changes.map((c) => (c._tag === "QuantityChanged" ? [c.line.item_id, c.old_quantity, c.line.quantity, c.cart.version] : c._tag))).toEqual([
        ["item_1", 2, 5, withServices.version + 1],
        ["item_2", 2, 5, withServices.version + 2],
        ["item_3", 2, 5, withServices.version + 3]
      ])
      expect(totals(decision.cart).services_total).toBe(5 * 4_900 + 9_900 + 1_500)
    })

    test.each<[string, string, number]>([
      ["a warranty, to another quantity than its line's", "item_2", 1],
      ["a warranty, even to the quantity it has", "item_2", 2],
      ["an item-bound service, to another quantity than its line's", "item_3", 1],
      ["an item-bound service, even to the quantity it has", "item_3", 2],
      ["a standalone service past one per cart", "item_6", 2]
    ])("setting %s → QuantityNotAdjustable saying why", (_, itemId, asked) => {
      const result = changeQuantity(withServices, itemId, asked)
      const failure = Result.isFailure(result) ? result.failure : undefined
      expect(failure?._tag ?? "accepted").toBe("QuantityNotAdjustable")
      expect(failure?._tag === "QuantityNotAdjustable" ? failure.reason : "").toMatch(itemId === "item_6" ? /one per cart/ : /follows that line's/)
    })
  })
})

describe("removeLine", () => {
  const full = cartWith(
    ["tv-55-oled"], // item_1
    ["warranty-2y-tv", { type: "warranty", parent_item_id: "item_1" }], // item_2
    ["hdmi-cable", { type: "accessory", parent_item_id: "item_1" }], // item_3
    ["sofa-3"] // item_4
  )
  const withService = Result.getOrThrow(add(full, lineRequest("carry_in", { type: "service", parent_item_id: "item_1" }), carryIn)).cart // item_5

  test("removes the line and its warranty and service lines, children first, one change and version each", () => {
    const decision = Result.getOrThrow(removeLine(withService, "item_1"))
    expect(decision.changes.map((c) => (c._tag === "ItemRemoved" ? c.line.item_id : c._tag))).toEqual(["item_2", "item_5", "item_1"])
    expect(decision.changes.map((c) => c.cart.version)).toEqual([6, 7, 8])
    expect(decision.cart.lines.map((l) => [l.item_id, l.parent_item_id])).toEqual([
      ["item_3", null],
      ["item_4", null]
    ])
  })

  test("keeps an accessory attached to it, as a line of its own", () => {
    const decision = Result.getOrThrow(removeLine(full, "item_1"))
    expect(decision.cart.lines.find((l) => l.item_id === "item_3")).toMatchObject({ offer_id: "hdmi-cable", parent_item_id: null })
  })

  test("of a child leaves the parent alone", () => {
    const decision = Result.getOrThrow(removeLine(full, "item_2"))
    expect(decision.cart.lines.map((l) => l.item_id)).toEqual(["item_1", "item_3", "item_4"])
    expect(decision.changes).toHaveLength(1)
  })

  test("of a line that does not exist → LineNotFound", () => {
    const result = removeLine(full, "item_99")
    expect(Result.isFailure(result) && result.failure._tag).toBe("LineNotFound")
  })

  test("never gives a later line the id of a removed one", () => {
    const removed = Result.getOrThrow(removeLine(tv, "item_1")).cart
    const added = Result.getOrThrow(add(removed, lineRequest("tv-55-oled"))).cart
    expect(added.lines[0]!.item_id).toBe("item_3")
  })
})

describe("clear", () => {
  test("empties the cart in one change", () => {
    const decision = clear(tvWithWarranty)
    expect(decision.cart).toEqual({ ...tvWithWarranty, version: tvWithWarranty.version + 1, lines: [] })
    expect(decision.changes).toEqual([{ _tag: "Cleared", cart: decision.cart }])
  })

  test("of an empty cart changes nothing", () => {
    const empty = clear(tv).cart
    expect(clear(empty)).toEqual({ cart: empty, changes: [] })
  })
})

describe("totals", () => {
  test.each<[string, Cart, { cart_total: number; services_total: number; item_count: number }]>([
    ["an empty cart", emptyCart(SESSION), { cart_total: 0, services_total: 0, item_count: 0 }],
    ["offers times quantities", cartWith(["tv-55-oled", { quantity: 2 }], ["hdmi-cable", { quantity: 3 }]), { cart_total: 2 * 499_900 + 3 * 4_900, services_total: 0, item_count: 5 }],
    ["warranties count in cart_total", tvWithWarranty, { cart_total: 499_900 + 29_900, services_total: 0, item_count: 2 }],
    [
      "services count in services_total only",
      Result.getOrThrow(add(cartWith(["fridge-a", { quantity: 2 }]), lineRequest("carry_in", { type: "service", parent_item_id: "item_1" }), carryIn)).cart,
      { cart_total: 2 * 259_900, services_total: 2 * 4_900, item_count: 4 }
    ]
  ])("%s", (_, cart, expected) => {
    expect(totals(cart)).toEqual(expected)
  })
})
