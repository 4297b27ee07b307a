/**
 * The event router every consumer's handler is built from (ARCHITECTURE §4: handlers receive
 * already-decoded, typed events): event name → payload Schema → typed handler. A payload that does not
 * fit its Schema is a PermanentFailure (dead-lettered at once: retrying cannot change a payload). An
 * event name the router does not know is ignored, as SPEC §3.1's schema evolution asks: the runtime
 * writes nothing for it and counts it as `ignored`, and the router logs each unknown name once, so no
 * context keeps its own set of names seen or decodes by hand. The handler says which names it routes
 * (`handles`), so the runtime skips the rest before it reads a marker (consumer-runtime.ts).
 */
import { Effect, Schema } from "effect"
import { CART_EVENT_NAMES, ConsumedCartSnapshot, type CartSnapshot } from "./cart-snapshot.ts"
import { type ConsumedEvent, type EventHandler, IgnoredEvent, PermanentFailure } from "./consumer-runtime.ts"
import type { AtomicWrite } from "./state-store.ts"

/** A consumed event with its payload decoded by its route's Schema. */
export interface RoutedEvent<A> extends ConsumedEvent {
  readonly payload: A
}

type PayloadSchema = Schema.Top & { readonly DecodingServices: never }

export interface Route<A, E, R> {
  readonly decode: (payload: unknown) => { readonly _tag: "Success"; readonly success: A } | { readonly _tag: "Failure"; readonly failure: unknown }
  readonly handle: (event: RoutedEvent<A>) => Effect.Effect<AtomicWrite | void, E, R>
}

type Decode = Route<unknown, unknown, unknown>["decode"]
const decoders = new WeakMap<PayloadSchema, Decode>()

/**
 * `schema`'s decoder, one per Schema in the process, remembering its result by payload: the groups
 * that read one record share its envelope (delivered-envelopes.ts), so the five groups of the shop
 * that route every cart event through the same snapshot Schema decode each snapshot once.
 */
const sharedDecoder = (schema: PayloadSchema): Decode => {
  const known = decoders.get(schema)
  if (known !== undefined) return known
  const decode = Schema.decodeUnknownResult(schema)
  const results = new WeakMap<object, ReturnType<Decode>>()
  const decoder: Decode = (payload) => {
    if (typeof payload !== "object" || payload === null) return decode(payload)
    let result = results.get(payload)
    if (result === undefined) results.set(payload, (result = decode(payload)))
    return result
  }
  decoders.set(schema, decoder)
  return decoder
}

/** One route: the payload's Schema (unknown fields ignored) and the handler of what it decodes to. */
export const route = <S extends PayloadSchema, E, R>(
  schema: S,
  handle: (event: RoutedEvent<S["Type"]>) => Effect.Effect<AtomicWrite | void, E, R>
): Route<S["Type"], E, R> => ({ decode: sharedDecoder(schema) as Route<S["Type"], E, R>["decode"], handle })

/** The same handler for every cart event (SPEC §3.4): each carries the cart snapshot after it. */
export const cartEventRoutes = <E, R>(handle: (event: RoutedEvent<CartSnapshot>) => Effect.Effect<AtomicWrite | void, E, R>): Readonly<Record<string, Route<CartSnapshot, E, R>>> => {
  const one = route(ConsumedCartSnapshot, handle)
  return Object.fromEntries(CART_EVENT_NAMES.map((name) => [name, one]))
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRoute = Route<any, any, any>
type ErrorOf<T> = T extends Route<infer _A, infer E, infer _R> ? E : never
type ServicesOf<T> = T extends Route<infer _A, infer _E, infer R> ? R : never

/**
 * A consumer's handler from its routes; `consumer` names it in the log line of an ignored name. One
 * router per consumer instance: the names it has logged are its own.
 */
export const eventRouter = <Routes extends Readonly<Record<string, AnyRoute>>>(
  consumer: string,
  routes: Routes
): EventHandler<PermanentFailure | ErrorOf<Routes[keyof Routes]>, ServicesOf<Routes[keyof Routes]>> => {
  const table = new Map<string, AnyRoute>(Object.entries(routes))
  const logged = new Set<string>()
  const handler = (event: ConsumedEvent) => {
    const name = event.envelope.event_name
    const found = table.get(name)
    if (found === undefined) {
      if (logged.has(name)) return Effect.succeed(IgnoredEvent)
      logged.add(name)
      return Effect.as(Effect.logInfo(`${consumer} ignores this event name`, { event_name: name }), IgnoredEvent)
    }
    const decoded = found.decode(event.envelope.payload)
    if (decoded._tag === "Failure") return Effect.fail(new PermanentFailure({ reason: `${name} payload does not fit: ${String(decoded.failure)}` }))
    return found.handle({ ...event, payload: decoded.success })
  }
  return Object.assign(handler, { handles: (name: string) => table.has(name) })
}
