/**
 * Facts about an order that arrive before the order does. `checkout.order_created` is on
 * checkout-events, while payment and inventory events are on their own topics, so a consumer that
 * catches up after an outage (SPEC §5) may read `payment.succeeded` before the order it pays: dropping
 * it would leave the order unpaid forever, and blocking the partition would hold up other orders.
 * So such a fact is parked under `order:parked:{order_id}` (in the records' store, with the marker of
 * the event that brought it) and applied, in arrival order, when the order is created. Creating the
 * order sets the key to a tombstone in the same commit, and every park expects the value it read, so a
 * park racing the creation loses (WriteConflict, run again: it then finds the order). Facts for an
 * order that never comes (another shop's, a test's) expire with the key after PARKED_TTL_SECONDS.
 */
import { Effect, Schema } from "effect"
import { type AtomicWrite, StateStore, storedJsonDecoder, WriteConflict } from "@kasa/shared"
import type { OrderFact } from "./facts.ts"
import { RecordsUnavailable } from "./ports.ts"

/** Longer than checkout's payment retry window and any outage a consumer is expected to catch up from. */
export const PARKED_TTL_SECONDS = 7 * 24 * 60 * 60

/** What the key holds once the order exists: nothing is parked for it any more. */
const CREATED = "created"

export const parkedKey = (orderId: string): string => `order:parked:${orderId}`

export interface Parked {
  /** The stored text read (undefined: none), which the write expects to find still. */
  readonly raw: string | undefined
  readonly facts: ReadonlyArray<OrderFact>
}

// The facts are this context's own data, written below: each is an object with a kind.
const decodeFacts = storedJsonDecoder(Schema.Array(Schema.Record(Schema.String, Schema.Unknown)))

const unavailable = (operation: string) => (error: { readonly message: string }) => new RecordsUnavailable({ operation, message: error.message })

export const loadParked = (orderId: string) =>
  Effect.gen(function* () {
    const key = parkedKey(orderId)
    const raw = yield* Effect.mapError(Effect.flatMap(StateStore, (store) => store.get(key)), unavailable("load parked facts"))
    if (raw === undefined || raw === CREATED) return { raw, facts: [] } satisfies Parked
    const decoded = decodeFacts(raw)
    if (decoded._tag === "Failure") return yield* new RecordsUnavailable({ operation: "load parked facts", message: `unreadable: ${decoded.failure}` })
    return { raw, facts: decoded.success as unknown as ReadonlyArray<OrderFact> } satisfies Parked
  })

/** The write that parks `fact` for an order not created yet; a WriteConflict when it was created since the order was read. */
export const parkWrite = (orderId: string, fact: OrderFact) =>
  Effect.gen(function* () {
    const key = parkedKey(orderId)
    const parked = yield* loadParked(orderId)
    if (parked.raw === CREATED) return yield* new WriteConflict({ key })
    yield* Effect.logInfo("order not created yet: fact parked", { order_id: orderId, fact: fact.kind })
    return {
      expect: [{ key, value: parked.raw }],
      ops: [{ op: "set", key, value: JSON.stringify([...parked.facts, fact]), ttlSeconds: PARKED_TTL_SECONDS }]
    } satisfies AtomicWrite
  })

/** What the creating write adds: the key turned into the tombstone, if it still holds what was read. */
export const unparkWrite = (orderId: string, parked: Parked): Pick<AtomicWrite, "expect" | "ops"> => {
  const key = parkedKey(orderId)
  return { expect: [{ key, value: parked.raw }], ops: [{ op: "set", key, value: CREATED, ttlSeconds: PARKED_TTL_SECONDS }] }
}
