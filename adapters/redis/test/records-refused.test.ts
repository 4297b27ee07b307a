// Records (the shop's SQL tables) are for SQL stores only: the memory and Redis stores refuse a write
// that has any, with a StoreUnavailable that says so, and apply nothing of it.
import { expect, test } from "bun:test"
import { Effect, type Layer, ManagedRuntime } from "effect"
import { layerMemoryStateStore } from "@kasa/adapter-memory"
import { layerRedis } from "@kasa/adapter-redis"
import { StateStore } from "@kasa/shared"
import { runPrefix, testRedis } from "@kasa/test-support/infra"

const stores: ReadonlyArray<readonly [string, () => Promise<Layer.Layer<StateStore, unknown>>]> = [
  ["memory", async () => layerMemoryStateStore()],
  ["Redis", async () => layerRedis({ url: (await testRedis()).url, keyPrefix: `${runPrefix}records-refused:`, outboxName: "records-refused" })]
]

for (const [name, layer] of stores) {
  test(`the ${name} store refuses a write with records and applies nothing of it`, async () => {
    const runtime = ManagedRuntime.make(await layer())
    try {
      const key = `records-refused-${Date.now()}`
      const result = await runtime.runPromise(
        Effect.flatMap(StateStore, (store) =>
          Effect.result(store.commit({ ops: [{ op: "set", key, value: "1" }], records: [{ op: "insert", table: "t", row: { id: "x" }, conflictKey: "x" }] }))
        )
      )
      expect(result._tag === "Failure" && result.failure._tag === "StoreUnavailable" && result.failure.message).toContain("records need a SQL store")
      expect(await runtime.runPromise(Effect.flatMap(StateStore, (store) => store.get(key)))).toBeUndefined()
    } finally {
      await runtime.dispose()
    }
  })
}
