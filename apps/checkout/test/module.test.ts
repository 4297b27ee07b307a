// Checkout's module: PAYMENT_RETRY_WINDOW_SECONDS read from the environment (a bad value stops the
// start naming the variable), and the consumer's store waking this process's `?after=` waiters when a
// commit that applied set their session (not one that was a duplicate, not another key). In an
// embedded app a waiter that started before its event was even published is answered once it is applied.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { Effect, Layer, ManagedRuntime } from "effect"
import { layerMemoryStateStore, MemoryStateData } from "@kasa/adapter-memory"
import { catalogModule } from "@kasa/app-catalog"
import { checkoutSessionKey, makeSummaryNotifier } from "@kasa/checkout"
import { call, newSession, publishTo, startTestApp, type TestApp } from "@kasa/test-support/app-harness"
import { StateStore } from "@kasa/shared"
import { APPLIED_HEADER, checkoutModule, notifyingStore, retryWindowFrom } from "../src/index.ts"
import { cartWithFridges } from "./fixtures.ts"

describe("PAYMENT_RETRY_WINDOW_SECONDS", () => {
  test.each([[undefined, 900], ["", 900], ["60", 60], [" 1 ", 1]])("%p → %i seconds", (value, seconds) => {
    expect(retryWindowFrom(value === undefined ? {} : { PAYMENT_RETRY_WINDOW_SECONDS: value })).toBe(seconds)
  })

  test.each([["abc"], ["0"], ["-5"], ["1.5"], ["99999999"]])("%p stops the start naming the variable", (value) => {
    expect(() => checkoutModule({ env: { PAYMENT_RETRY_WINDOW_SECONDS: value } })).toThrow(/PAYMENT_RETRY_WINDOW_SECONDS/)
  })
})

describe("the consumer's notifying store", () => {
  const runtime = ManagedRuntime.make(layerMemoryStateStore(new MemoryStateData()) as Layer.Layer<StateStore>)
  afterAll(() => runtime.dispose())

  test("a commit that applied wakes the sessions it set; a duplicate or another key wakes nobody", async () => {
    const notifier = makeSummaryNotifier()
    const woken: Array<string> = []
    const offA = notifier.subscribe("sess_a", () => woken.push("sess_a"))
    const offB = notifier.subscribe("sess_b", () => woken.push("sess_b"))
    await runtime.runPromise(
      Effect.gen(function* () {
        const store = notifyingStore(yield* StateStore, notifier)
        const marker = [{ group: "checkout-consumer", eventId: "e1" }]
        yield* store.commit({ ops: [{ op: "set", key: checkoutSessionKey("sess_a"), value: "{}" }], processed: marker })
        yield* store.commit({ ops: [{ op: "set", key: checkoutSessionKey("sess_b"), value: "{}" }], processed: marker })
        yield* store.commit({ ops: [{ op: "set", key: "cart:sess_b", value: "{}" }] })
      })
    )
    expect(woken).toEqual(["sess_a"])
    offA()
    offB()
  })
})

describe("a waiter in an embedded app", () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp("checkout", [catalogModule(), checkoutModule({ env: {} })])
  })
  afterAll(() => t.app.stop())

  test("GET /checkout/summary?after= sent before the event is published answers once it is applied", async () => {
    const session = newSession()
    const event = cartWithFridges(session.id, 1, 2)
    const waiting = call(t, "GET", `/checkout/summary?after=${event.envelope.event_id}&wait_ms=10000`, { session })
    await publishTo(t, event.topic, event.envelope)
    const response = await waiting
    expect(response.headers.get(APPLIED_HEADER)).toBe("true")
    expect(((await response.json()) as { cart_total: number }).cart_total).toBe(2 * 329_900)
  })
})
