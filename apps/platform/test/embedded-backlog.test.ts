// The embedded app's state paces requests by its broker's backlog (infra-layer.ts): a request's write
// is held back once the events its consumers have not handled pass EMBEDDED_MAX_BACKLOG.
import { expect, test } from "bun:test"
import { makeEnvelope } from "@kasa/shared"
import { MemoryBroker } from "@kasa/adapter-memory"
import { EMBEDDED_MAX_BACKLOG, embeddedState } from "../src/infra-layer.ts"

test("embeddedState holds a request's write back while the broker's unread messages are over EMBEDDED_MAX_BACKLOG", () => {
  const broker = new MemoryBroker({ trim: true })
  broker.createTopic("cart-events", 1)
  broker.join("slow-consumer", { id: "slow-1", topics: ["cart-events"], assign: () => {} })
  const state = embeddedState(broker)
  const write = {
    events: [{ topic: "cart-events", key: "k", envelope: makeEnvelope({ eventName: "cart.item_added", aggregateId: "k", correlationId: "corr_1", producer: "test", payload: {} }) }]
  }
  broker.append(Array.from({ length: EMBEDDED_MAX_BACKLOG + 1 }, (_, i) => ({ topic: "cart-events", key: `k${i}`, value: new Uint8Array(1), headers: {} })))
  expect(state.heldBack(write)).toBe(true)
  broker.commit("slow-consumer", "cart-events", 0, EMBEDDED_MAX_BACKLOG + 1)
  // The backlog is measured again after 10 ms at most.
  const deadline = Date.now() + 1_000
  while (state.heldBack(write) && Date.now() < deadline) Bun.sleepSync(2)
  expect(state.heldBack(write)).toBe(false)
})
