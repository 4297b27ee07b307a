/**
 * The EventBus and EventBusAdmin ports over the in-memory broker: the embedded mode's bus. Each
 * assigned partition runs its own fiber, delivering batches in offset order and committing after the
 * handler finishes; partitions of one member are processed concurrently, as with Kafka.
 */
import { Cause, Effect, Fiber, Layer, Scope } from "effect"
import {
  EventBus,
  EventBusAdmin,
  EventBusUnavailable,
  type MessageBatch,
  type SubscribeOptions,
  type Subscription,
  type TopicPartition
} from "@kasa/shared"
import { MemoryBroker, type MemoryGroup, tpKey } from "./memory-broker.ts"

interface PartitionLoop {
  stopRequested: boolean
  wake: () => void
  fiber: Fiber.Fiber<void> | undefined
  readonly done: Promise<void>
}

const subscribe = (broker: MemoryBroker, options: SubscribeOptions) =>
  Effect.gen(function* () {
    const scope = yield* Scope.Scope
    const context = yield* Effect.context<never>()
    const group: MemoryGroup = broker.group(options.group)
    const id = broker.nextMemberId(options.group)
    const maxBatch = options.maxBatch ?? 500
    const loops = new Map<string, PartitionLoop>()
    let left = false
    let aborted = false
    /** The loops a graceful stop is waiting for: an abort during that stop interrupts them. */
    let draining: ReadonlyArray<PartitionLoop> = []

    const runLoop = (topic: string, partition: number, loop: PartitionLoop, previous: Promise<void> | undefined) =>
      Effect.gen(function* () {
        if (previous !== undefined) yield* Effect.promise(() => previous)
        const log = broker.topics.get(topic)![partition]!
        const key = tpKey(topic, partition)
        let position = group.committed.get(key) ?? 0
        while (!loop.stopRequested) {
          // A group new to a trimmed partition starts at its base, as Kafka's "earliest" does.
          position = Math.max(position, log.base)
          if (position < log.end) {
            const messages = log.read(position, maxBatch)
            broker.reading(options.group, key)
            const batch: MessageBatch = { topic, partition, messages }
            // A handler that dies commits nothing; the batch comes again after a pause, as on Kafka.
            const handled = yield* Effect.exit(options.handle(batch))
            if (handled._tag === "Failure") {
              if (Cause.hasInterruptsOnly(handled.cause)) return yield* Effect.interrupt
              yield* Effect.logError("memory bus handler failed; redelivering the batch", handled.cause)
              yield* Effect.sleep(1_000)
              continue
            }
            position += messages.length
            broker.commit(options.group, topic, partition, position)
          } else {
            yield* Effect.callback<void>((resume) => {
              const waiter = log.waitForAppend()
              loop.wake = waiter.cancel
              if (loop.stopRequested) waiter.cancel()
              void waiter.promise.then(() => resume(Effect.void))
            })
          }
        }
      })

    const startLoop = (key: string) => {
      const separator = key.lastIndexOf(":")
      const topic = key.slice(0, separator)
      const partition = Number(key.slice(separator + 1))
      let finish!: () => void
      const done = new Promise<void>((resolve) => (finish = resolve))
      const loop: PartitionLoop = { stopRequested: false, wake: () => {}, fiber: undefined, done }
      const previous = group.owners.get(key)
      group.owners.set(key, done)
      loops.set(key, loop)
      loop.fiber = Effect.runFork(
        runLoop(topic, partition, loop, previous).pipe(
          Effect.catchCause((cause) => Effect.logError("memory bus partition loop failed", cause)),
          Effect.ensuring(Effect.sync(finish)),
          Effect.provideContext(context)
        )
      )
    }

    const assign = (partitions: ReadonlyArray<string>) => {
      if (left) return
      const wanted = new Set(partitions)
      for (const [key, loop] of loops) {
        if (!wanted.has(key)) {
          loop.stopRequested = true
          loop.wake()
          loops.delete(key)
        }
      }
      for (const key of wanted) if (!loops.has(key)) startLoop(key)
    }

    const stop = Effect.gen(function* () {
      if (left) return
      left = true
      const current = [...loops.values()]
      draining = current
      loops.clear()
      for (const loop of current) {
        loop.stopRequested = true
        loop.wake()
      }
      yield* Effect.promise(() => Promise.all(current.map((loop) => loop.done)))
      broker.leave(options.group, id)
    })

    const abort = Effect.gen(function* () {
      if (aborted) return
      aborted = true
      const stopping = left
      left = true
      const current = [...loops.values(), ...draining]
      loops.clear()
      yield* Effect.forEach(current, (loop) => (loop.fiber === undefined ? Effect.void : Fiber.interrupt(loop.fiber)), { discard: true })
      // A graceful stop in progress leaves the group itself once its loops are done.
      if (!stopping) broker.leave(options.group, id)
    })

    broker.join(options.group, { id, topics: options.topics, assign })
    yield* Scope.addFinalizer(scope, stop)

    const subscription: Subscription = {
      ready: Effect.void,
      assignments: Effect.sync((): ReadonlyArray<TopicPartition> =>
        [...loops.keys()].map((key) => {
          const separator = key.lastIndexOf(":")
          return { topic: key.slice(0, separator), partition: Number(key.slice(separator + 1)) }
        })
      ),
      stop,
      abort
    }
    return subscription
  })

export const makeMemoryEventBus = (broker: MemoryBroker) =>
  EventBus.of({
    publish: (messages) =>
      Effect.suspend(() => {
        const unknown = broker.append(messages)
        return unknown === undefined
          ? Effect.void
          : Effect.fail(new EventBusUnavailable({ operation: "publish", message: `unknown topic ${unknown}` }))
      }),
    subscribe: (options) => subscribe(broker, options)
  })

export const makeMemoryEventBusAdmin = (broker: MemoryBroker) =>
  EventBusAdmin.of({
    ensureTopics: (topics) => Effect.sync(() => topics.forEach((topic) => broker.createTopic(topic.name, topic.partitions))),
    listTopics: Effect.sync(() => broker.listTopics()),
    groupLag: (group, topics) => Effect.sync(() => broker.lag(group, topics)),
    readTopic: (topic, options) =>
      Effect.sync(() => {
        const all = (broker.topics.get(topic) ?? []).flatMap((partition) => partition.log)
        all.sort((a, b) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset)
        return options?.fromEnd === undefined ? all : all.slice(-options.fromEnd)
      }),
    ping: Effect.void
  })

/** Both bus ports over one fresh broker. */
export const layerMemoryEventBus = (broker: MemoryBroker = new MemoryBroker()) =>
  Layer.mergeAll(Layer.succeed(EventBus, makeMemoryEventBus(broker)), Layer.succeed(EventBusAdmin, makeMemoryEventBusAdmin(broker)))
