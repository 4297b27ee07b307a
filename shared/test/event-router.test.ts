// The kernel's event router, table-driven: a known name's payload reaches its handler decoded and
// typed, a payload that does not fit is a PermanentFailure naming the event, an unknown name is
// ignored and logged once per name (per router), and every cart event routes its snapshot.
import { describe, expect, test } from "bun:test"
import { Effect, Exit, Logger, Schema } from "effect"
import {
  CART_EVENT_NAMES,
  cartEventRoutes,
  type ConsumedEvent,
  eventRouter,
  IgnoredEvent,
  makeEnvelope,
  newSessionId,
  PermanentFailure,
  route,
  type RoutedEvent
} from "@kasa/shared"

const consumed = (eventName: string, payload: Record<string, unknown>): ConsumedEvent => ({
  envelope: makeEnvelope({ eventName, aggregateId: "agg", correlationId: "corr_router", producer: "test", payload }),
  group: "test-consumer",
  topic: "test-events",
  partition: 0,
  offset: 0
})

/** Runs the handler on each event in turn: what each gave (or its failure), and the lines logged. */
const runAll = <E>(handler: (event: ConsumedEvent) => Effect.Effect<unknown, E>, events: ReadonlyArray<ConsumedEvent>) => {
  const logged: Array<string> = []
  const capture = Logger.layer([Logger.make(({ message }) => void logged.push((Array.isArray(message) ? message : [message]).map((part) => (typeof part === "string" ? part : JSON.stringify(part))).join(" ")))])
  const results = Effect.runSync(Effect.forEach(events, (event) => Effect.exit(handler(event))).pipe(Effect.provide(capture)))
  return { results, logged }
}

const Order = Schema.Struct({ order_id: Schema.String.check(Schema.isNonEmpty()), total: Schema.Int })
const seen: Array<unknown> = []
const orderRouter = () =>
  eventRouter("test-consumer", {
    "order.placed": route(Order, (event: RoutedEvent<typeof Order.Type>) => Effect.sync(() => void seen.push(["placed", event.payload, event.envelope.correlation_id]))),
    "order.cancelled": route(Order, (event) => Effect.sync(() => void seen.push(["cancelled", event.payload.order_id])))
  })

describe("event router", () => {
  test.each<[string, ReadonlyArray<[string, Record<string, unknown>]>, ReadonlyArray<unknown>, number]>([
    ["a known name: the decoded payload, unknown fields dropped", [["order.placed", { order_id: "o1", total: 5, extra: true }]], [["placed", { order_id: "o1", total: 5 }, "corr_router"]], 0],
    ["each name to its own handler", [["order.cancelled", { order_id: "o2", total: 0 }], ["order.placed", { order_id: "o3", total: 1 }]], [["cancelled", "o2"], ["placed", { order_id: "o3", total: 1 }, "corr_router"]], 0],
    ["an unknown name: no handler runs, one log line", [["order.shipped", { order_id: "o4" }]], [], 1],
    ["the same unknown name three times: logged once", [["order.shipped", {}], ["order.shipped", {}], ["order.shipped", {}]], [], 1],
    ["two unknown names: each logged once", [["order.shipped", {}], ["order.returned", {}], ["order.shipped", {}]], [], 2]
  ])("%s", (_, events, handled, logLines) => {
    seen.length = 0
    const { results, logged } = runAll(orderRouter(), events.map(([name, payload]) => consumed(name, payload)))
    expect(results.every(Exit.isSuccess)).toBe(true)
    expect(seen).toEqual([...handled])
    expect(logged.filter((line) => line.includes("test-consumer ignores this event name"))).toHaveLength(logLines)
    const ignored = results.filter((exit) => Exit.isSuccess(exit) && exit.value === IgnoredEvent)
    expect(ignored).toHaveLength(events.length - handled.length)
  })

  test.each<[string, string, Record<string, unknown>]>([
    ["a missing field", "order.placed", { order_id: "o1" }],
    ["a field of the wrong type", "order.cancelled", { order_id: "o1", total: "5" }],
    ["a check that fails", "order.placed", { order_id: "", total: 1 }]
  ])("a payload with %s is a PermanentFailure naming the event; the handler never runs", (_, name, payload) => {
    seen.length = 0
    const error = Effect.runSync(Effect.flip(orderRouter()(consumed(name, payload))))
    expect(error).toBeInstanceOf(PermanentFailure)
    expect((error as PermanentFailure).reason).toStartWith(`${name} payload does not fit`)
    expect(seen).toEqual([])
  })

  test("two routers keep their own names seen: each logs an unknown name once", () => {
    const first = runAll(orderRouter(), [consumed("order.shipped", {}), consumed("order.shipped", {})])
    const second = runAll(orderRouter(), [consumed("order.shipped", {})])
    expect(first.logged).toHaveLength(1)
    expect(second.logged).toHaveLength(1)
  })

  const session = newSessionId()
  const snapshot = { session_id: session, cart_version: 2, currency: "PLN", lines: [] }
  test.each<[string, string, Record<string, unknown>, "handled" | "failed" | "ignored"]>([
    ...CART_EVENT_NAMES.map((name): [string, string, Record<string, unknown>, "handled"] => [`${name} with its snapshot`, name, { ...snapshot, item_id: "i1" }, "handled"]),
    ["a snapshot whose session_id is not a session id", "cart.item_added", { ...snapshot, session_id: "sess_$" }, "failed"],
    ["a snapshot without lines", "cart.cleared", { session_id: session, cart_version: 3, currency: "PLN" }, "failed"],
    ["a cart event name the kernel does not know", "cart.something_new", snapshot, "ignored"]
  ])("cart routes: %s", (_, name, payload, outcome) => {
    const handled: Array<unknown> = []
    const router = eventRouter("cart-watcher", cartEventRoutes((event) => Effect.sync(() => void handled.push(event.payload))))
    const { results } = runAll(router, [consumed(name, payload)])
    const exit = results[0]!
    const actual = Exit.isFailure(exit) ? "failed" : exit.value === IgnoredEvent ? "ignored" : "handled"
    expect(actual).toBe(outcome)
    expect(handled).toEqual(outcome === "handled" ? [snapshot] : [])
  })

  test("routers of two groups given one payload decode it once and hand both the same snapshot; another payload is decoded", () => {
    const handled: Array<unknown> = []
    const first = eventRouter("group-a", cartEventRoutes((event) => Effect.sync(() => void handled.push(event.payload))))
    const second = eventRouter("group-b", cartEventRoutes((event) => Effect.sync(() => void handled.push(event.payload))))
    const event = consumed("cart.item_added", { ...snapshot, item_id: "i1" })
    const other = consumed("cart.item_added", { ...snapshot, cart_version: 3, item_id: "i2" })
    runAll(first, [event])
    runAll(second, [event, other])
    expect(handled).toHaveLength(3)
    expect(handled[1]).toBe(handled[0])
    expect(handled[2]).not.toBe(handled[0])
    expect(handled[2]).toEqual({ ...snapshot, cart_version: 3 })
  })
})
