/**
 * The EventBus port over Kafka. `publish` hands the whole batch to the shared idempotent producer in
 * one send (acks=all, key and headers as given) and resolves when Kafka acknowledged all of it; no
 * per-message promises. `subscribe` creates one group member (see kafka-group-member.ts) that runs the
 * handler with the caller's context, so tracing and logging layers apply inside handlers as they do
 * over the in-memory bus; closing the subscription's scope stops it gracefully.
 */
import { Effect, Scope } from "effect"
import { EventBus, type BusMessage, type EventBusUnavailable, type Subscription } from "@kasa/shared"
import type { KafkaClients } from "./kafka-clients.ts"
import { groupInstanceId } from "./kafka-config.ts"
import { attempt, unavailable } from "./kafka-errors.ts"
import { KafkaGroupMember } from "./kafka-group-member.ts"

const asBuffer = (value: Uint8Array): Buffer => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength))

const publish = (clients: KafkaClients, messages: ReadonlyArray<BusMessage>): Effect.Effect<void, EventBusUnavailable> => {
  if (messages.length === 0) return Effect.void
  return Effect.callback<void, EventBusUnavailable>((resume) => {
    const batch = new Array(messages.length)
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i]!
      batch[i] = { topic: message.topic, key: message.key, value: asBuffer(message.value), headers: message.headers }
    }
    const sends = clients.sends
    sends.pending++
    clients.producer.send({ messages: batch }, (error) => {
      if (--sends.pending === 0 && sends.drained.length > 0) for (const resolve of sends.drained.splice(0)) resolve()
      resume(error ? Effect.fail(unavailable("publish")(error)) : Effect.void)
    })
  })
}

export const makeKafkaEventBus = (clients: KafkaClients) =>
  EventBus.of({
    publish: (messages) => publish(clients, messages),
    subscribe: (options) =>
      Effect.gen(function* () {
        const scope = yield* Scope.Scope
        const context = yield* Effect.context<never>()
        // Fail here, not silently later, when a topic is missing (topics are provisioned, never auto-created).
        yield* attempt("subscribe", () => clients.reader.metadata({ topics: [...options.topics], forceUpdate: true }))
        const taken = new Set([...clients.members].flatMap((other) => (other.groupInstanceId === undefined ? [] : [other.groupInstanceId])))
        const instance = groupInstanceId(clients.options.instanceId, options.group, taken)
        const member = new KafkaGroupMember(clients.options, options, context, (gone) => clients.members.delete(gone), instance)
        clients.members.add(member)
        member.start()
        yield* Scope.addFinalizer(scope, Effect.promise(() => member.stop()))
        const subscription: Subscription = {
          ready: Effect.promise(() => member.ready),
          assignments: Effect.sync(() => member.assignments),
          stop: Effect.promise(() => member.stop()),
          abort: Effect.promise(() => member.abort())
        }
        return subscription
      })
  })
