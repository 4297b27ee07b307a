// The StateStore and OutboxReader contract over a real Redis (found or started by test/infra.ts),
// every key under this run's prefix; each open is a fresh pair of connections, as a process has.
import { describe, test } from "bun:test"
import { Effect, ManagedRuntime } from "effect"
import { createClient } from "redis"
import { stateStoreContract, type StateStoreHarness } from "@kasa/shared/testing/state-store-contract"
import { layerRedisStateStore } from "@kasa/adapter-redis"
import { runId, runPrefix, testRedis } from "@kasa/test-support/infra"

const clientName = `kasa-test-${runId}-contract`
let n = 0

/** Connections of this suite parked in a blocking read (CLIENT LIST flags contain "b"). */
const parkedWaits = async (): Promise<number> => {
  const { url } = await testRedis()
  const admin = createClient({ url })
  admin.on("error", () => {})
  await admin.connect()
  try {
    const list = await admin.clientList()
    return list.filter((c) => c.name === `${clientName}:outbox-wait` && c.flags.includes("b")).length
  } finally {
    admin.destroy()
  }
}

const harness: StateStoreHarness = {
  open: async (outbox) => {
    const { url } = await testRedis()
    const runtime = ManagedRuntime.make(layerRedisStateStore({ url, keyPrefix: runPrefix, outboxName: outbox, clientName }))
    await runtime.runPromise(Effect.void)
    return { run: (effect) => runtime.runPromise(Effect.scoped(effect)), close: () => runtime.dispose() }
  },
  name: (base) => `contract:${base}-${++n}`,
  timeoutMs: 10_000,
  parkedWaits
}

describe("StateStore contract: Redis", () => {
  for (const c of stateStoreContract) test(c.name, () => c.run(harness), 60_000)
})
