// One ManagedRuntime over the run's Kafka broker per test file, with group timeouts short enough that
// rebalances and a dead member's removal settle in seconds; created before the file's tests, disposed after.
import { afterAll, beforeAll } from "bun:test"
import { Effect, Layer, ManagedRuntime, type Scope } from "effect"
import type { EventBus, EventBusAdmin } from "@kasa/shared"
import { layerKafka } from "../src/index.ts"
import type { KafkaOptions } from "../src/kafka-config.ts"
import { testKafka } from "@kasa/test-support/infra"

export const testKafkaOptions = { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, rebalanceTimeoutMs: 10_000 } as const

export const useKafkaRuntime = <R = never>(clientId: string, extra?: () => Promise<Layer.Layer<R, unknown>>, overrides?: Partial<KafkaOptions>) => {
  let runtime: ManagedRuntime.ManagedRuntime<EventBus | EventBusAdmin | R, unknown> | undefined
  beforeAll(async () => {
    const kafka = layerKafka({ brokers: [(await testKafka()).brokers], clientId, ...testKafkaOptions, ...overrides })
    runtime = ManagedRuntime.make(extra === undefined ? kafka : Layer.mergeAll(kafka, await extra())) as typeof runtime
  }, 180_000)
  afterAll(async () => {
    await runtime?.dispose()
  })
  const current = () => {
    if (runtime === undefined) throw new Error("the Kafka test runtime did not start")
    return runtime
  }
  return {
    runtime: current,
    run: <A, E>(effect: Effect.Effect<A, E, EventBus | EventBusAdmin | R | Scope.Scope>): Promise<A> => current().runPromise(Effect.scoped(effect))
  }
}
