/**
 * A context's consumer run the way its consumer tests drive it: over the embedded mode's in-memory
 * bus and state, through the kernel's consumer runtime with a short retry, its log lines captured
 * instead of printed. Gives the state and broker to look into, publishing to a topic, and whether the
 * consumer's group has committed everything published to its topics. Stopped after all tests.
 */
import { afterAll } from "bun:test"
import { Effect, Exit, Layer, Logger, ManagedRuntime, Scope } from "effect"
import { layerMemoryEventBus, layerMemoryStateStore, MemoryBroker, MemoryStateData } from "@kasa/adapter-memory"
import { type ConsumerOptions, dlqTopic, type Envelope, EventBus, runConsumer, type StateStore, toBusMessage } from "@kasa/shared"

export interface ConsumerHarnessOptions<E, R, P, PE> {
  readonly consumer: ConsumerOptions<E, R>
  /** The context's ports over the state store; given the state, for adapters that keep their own part of it. */
  readonly ports: (data: MemoryStateData) => Layer.Layer<P, PE, StateStore>
  /** Topics the consumer publishes to, created (3 partitions, and a DLQ each) beside the ones it consumes. */
  readonly publishes: ReadonlyArray<string>
}

const textOf = (message: unknown): string =>
  (Array.isArray(message) ? message : [message]).map((part) => (typeof part === "string" ? part : JSON.stringify(part))).join(" ")

export const startConsumerHarness = async <E, R extends P | StateStore | EventBus, P, PE>(options: ConsumerHarnessOptions<E, R, P, PE>) => {
  const broker = new MemoryBroker()
  for (const topic of new Set([...options.consumer.topics, ...options.publishes])) {
    broker.createTopic(topic, 3)
    broker.createTopic(dlqTopic(topic), 3)
  }
  const data = new MemoryStateData()
  /** Log lines the consumer wrote (instead of the console). */
  const logged: Array<string> = []
  const captureLogs = Logger.layer([Logger.make(({ message }) => void logged.push(textOf(message)))])
  const runtime = ManagedRuntime.make(Layer.mergeAll(layerMemoryEventBus(broker), Layer.provideMerge(options.ports(data), layerMemoryStateStore(data)), captureLogs))
  const scope = await runtime.runPromise(Scope.make())
  await runtime.runPromise(Scope.provide(scope)(runConsumer({ ...options.consumer, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } })))
  afterAll(async () => {
    await runtime.runPromise(Scope.close(scope, Exit.void))
    await runtime.dispose()
  })

  const publish = (topic: string, ...envelopes: ReadonlyArray<Envelope>) =>
    runtime.runPromise(Effect.flatMap(EventBus, (bus) => bus.publish(envelopes.map((envelope) => toBusMessage({ topic, key: envelope.aggregate_id, envelope })))))

  /** The group has committed everything published to the topics it consumes so far. */
  const caughtUp = () =>
    options.consumer.topics.every((topic) =>
      broker.topics.get(topic)!.every((partition, i) => (broker.groups.get(options.consumer.group)?.committed.get(`${topic}:${i}`) ?? 0) === partition.log.length)
    )

  return { broker, data, runtime, logged, publish, caughtUp }
}
