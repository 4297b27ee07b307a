/**
 * The clients one `layerKafka` owns: one idempotent producer (acks=all) shared by every publish, one
 * admin client, one group-less consumer for reading topics (ops), and the group members that
 * subscriptions created. Closing releases them in order: members leave their groups gracefully,
 * publishes in flight settle, then the clients close.
 */
import { Admin, compatibilityPartitioner, Consumer, Producer, ProduceAcks, stringSerializer } from "@platformatic/kafka"
import { clientOptions, type ResolvedKafkaOptions } from "./kafka-config.ts"
import { withinDeadline } from "./kafka-errors.ts"
import type { KafkaGroupMember } from "./kafka-group-member.ts"

export interface KafkaClients {
  readonly options: ResolvedKafkaOptions
  readonly producer: Producer<string, Buffer, string, string>
  readonly admin: Admin
  readonly reader: Consumer
  readonly members: Set<KafkaGroupMember>
  /** Publishes not yet acknowledged, so closing can wait for them. */
  readonly sends: { pending: number; drained: Array<() => void> }
}

export const openKafkaClients = (options: ResolvedKafkaOptions): KafkaClients => {
  const producer = new Producer<string, Buffer, string, string>({
    ...clientOptions(options, "producer"),
    idempotent: true,
    acks: ProduceAcks.ALL,
    // Java's partitioner, so a key lands on the same partition whichever client produced it.
    partitioner: compatibilityPartitioner,
    serializers: { key: stringSerializer, headerKey: stringSerializer, headerValue: stringSerializer }
  })
  const admin = new Admin(clientOptions(options, "admin"))
  const reader = new Consumer({ ...clientOptions(options, "reader"), groupId: `${options.clientId}-reader`, autocommit: false })
  // A client without an 'error' listener would throw from its event emitter.
  for (const client of [producer, admin, reader]) client.on("error", () => {})
  return { options, producer, admin, reader, members: new Set(), sends: { pending: 0, drained: [] } }
}

const drained = (clients: KafkaClients): Promise<void> =>
  clients.sends.pending === 0 ? Promise.resolve() : new Promise((resolve) => clients.sends.drained.push(resolve))

export const closeKafkaClients = async (clients: KafkaClients): Promise<void> => {
  const deadline = clients.options.closeTimeoutMs
  await withinDeadline(Promise.all([...clients.members].map((member) => member.stop())), deadline)
  await withinDeadline(drained(clients), deadline)
  await Promise.all([clients.producer, clients.admin, clients.reader].map((client) => withinDeadline(client.close(), deadline)))
}
