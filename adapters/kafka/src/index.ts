/**
 * @kasa/adapter-kafka: the EventBus and EventBusAdmin ports over Apache Kafka (or anything speaking
 * its protocol, such as Redpanda) through @platformatic/kafka. `layerKafka` is scoped: releasing it
 * stops the subscriptions it still runs, lets publishes in flight settle and closes every client.
 */
import { Context, Effect, Layer } from "effect"
import { EventBus, EventBusAdmin } from "@kasa/shared"
import { makeKafkaEventBusAdmin } from "./kafka-admin.ts"
import { closeKafkaClients, openKafkaClients } from "./kafka-clients.ts"
import { resolveKafkaOptions, type KafkaOptions } from "./kafka-config.ts"
import { makeKafkaEventBus } from "./kafka-event-bus.ts"

export type { KafkaOptions } from "./kafka-config.ts"
export { DEFAULT_COMMIT_INTERVAL_MS, DEFAULT_FETCH_LINGER_MS } from "./kafka-config.ts"

export const layerKafka = (options: KafkaOptions): Layer.Layer<EventBus | EventBusAdmin> =>
  Layer.effectContext(
    Effect.gen(function* () {
      const clients = yield* Effect.acquireRelease(
        Effect.sync(() => openKafkaClients(resolveKafkaOptions(options))),
        (clients) => Effect.promise(() => closeKafkaClients(clients))
      )
      return Context.make(EventBus, makeKafkaEventBus(clients)).pipe(Context.add(EventBusAdmin, makeKafkaEventBusAdmin(clients)))
    })
  )
