/**
 * `bun scripts/bench-bus.ts` (`bun run bench:bus`): produce→consume throughput and end-to-end latency
 * (from the publish call to the handler) of (a) the raw @platformatic/kafka producer and consumer,
 * (b) the EventBus port over Kafka and (c) the in-memory EventBus, with the same messages: event
 * envelopes of about 230 bytes, published in batches without awaiting each batch. Uses KAFKA_BROKERS,
 * else the test broker (see adapters/kafka/src/testing/broker.ts). Two runs per path: a burst (every
 * batch handed over at once: throughput, and latency that includes draining the backlog) and a paced
 * run below capacity (latency of the bus itself). Options: BENCH_MESSAGES (50000), BENCH_BATCH (500),
 * BENCH_PARTITIONS (3), BENCH_PACE_MS (50). It measures; it asserts nothing.
 */
import { Admin, Consumer, Producer, ProduceAcks, compatibilityPartitioner, stringDeserializers, stringSerializers } from "@platformatic/kafka"
import { Effect, Fiber, Layer, ManagedRuntime } from "effect"
import { EventBus, EventBusAdmin, type BusMessage, encodeEnvelope, makeEnvelope, Headers } from "@kasa/shared"
import { layerMemoryEventBus } from "@kasa/adapter-memory"
import { layerKafka } from "@kasa/adapter-kafka"
import { startOrFindKafka } from "../adapters/kafka/src/testing/broker.ts"

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50_000)
const BATCH = Number(process.env.BENCH_BATCH ?? 500)
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 3)
const WARMUP = Math.min(5_000, MESSAGES)
const PACE_MS = Number(process.env.BENCH_PACE_MS ?? 50)
const PACED = Math.min(MESSAGES, 10_000)
const runId = `bench${Date.now().toString(36)}`

interface Result {
  readonly name: string
  readonly messages: number
  readonly seconds: number
  readonly p50: number
  readonly p99: number
}

/** One envelope per message: ~230 bytes of JSON, keyed by its aggregate (a cart), sequence in a header. */
const makeMessages = (topic: string, count: number): Array<BusMessage> =>
  Array.from({ length: count }, (_, seq) => {
    const envelope = makeEnvelope({
      eventName: "cart.item_added",
      aggregateId: `cart_${seq % 1_000}`,
      correlationId: `c${seq}`,
      producer: "cart",
      payload: { qty: 1 + (seq % 3) }
    })
    return {
      topic,
      key: envelope.aggregate_id,
      value: encodeEnvelope(envelope),
      headers: { [Headers.eventName]: envelope.event_name, [Headers.correlationId]: envelope.correlation_id, seq: String(seq) }
    }
  })

/** Collects handler times per sequence number and resolves once every message arrived. */
class Clock {
  readonly sentAt: Float64Array
  readonly seenAt: Float64Array
  private seen = 0
  private resolve!: () => void
  readonly done: Promise<void>
  constructor(readonly count: number) {
    this.sentAt = new Float64Array(count)
    this.seenAt = new Float64Array(count).fill(-1)
    this.done = new Promise((resolve) => (this.resolve = resolve))
  }
  sent(from: number, to: number): void {
    const now = performance.now()
    for (let i = from; i < to; i++) this.sentAt[i] = now
  }
  handled(seq: number): void {
    if (seq < 0 || seq >= this.count || this.seenAt[seq]! >= 0) return
    this.seenAt[seq] = performance.now()
    if (++this.seen === this.count) this.resolve()
  }
  async result(name: string, timeoutMs = 180_000): Promise<Result> {
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([
      this.done,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${name}: only ${this.seen} of ${this.count} handled in ${timeoutMs} ms`)), timeoutMs)))
    ])
    clearTimeout(timer)
    const latencies = Array.from({ length: this.count }, (_, i) => this.seenAt[i]! - this.sentAt[i]!).sort((a, b) => a - b)
    const first = Math.min(...this.sentAt)
    const last = Math.max(...this.seenAt)
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!
    return { name, messages: this.count, seconds: (last - first) / 1000, p50: at(0.5), p99: at(0.99) }
  }
}

const chunks = <A>(items: ReadonlyArray<A>, size: number): Array<ReadonlyArray<A>> =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size))

// (a) the raw client: the producer sends each batch without awaiting it; one consumer stream reads.
const rawKafka = async (brokers: Array<string>, topic: string, count: number, name: string, paceMs = 0): Promise<Result> => {
  const messages = makeMessages(topic, count)
  const clock = new Clock(count)
  const producer = new Producer({
    clientId: "bench-raw-producer",
    bootstrapBrokers: brokers,
    idempotent: true,
    acks: ProduceAcks.ALL,
    partitioner: compatibilityPartitioner,
    serializers: { ...stringSerializers, value: (value?: Buffer) => value }
  })
  const consumer = new Consumer({ clientId: "bench-raw-consumer", bootstrapBrokers: brokers, groupId: `bench-raw-${topic}`, deserializers: { ...stringDeserializers, value: (value?: Buffer) => value } })
  try {
    const stream = await consumer.consume({ topics: [topic], mode: "committed", fallbackMode: "earliest", autocommit: true, maxWaitTime: 500 })
    stream.on("data", (message) => clock.handled(Number(message.headers.get("seq"))))
    await waitForAssignment(consumer)
    const sends: Array<Promise<unknown>> = []
    let offset = 0
    for (const batch of chunks(messages, BATCH)) {
      clock.sent(offset, offset + batch.length)
      offset += batch.length
      sends.push(producer.send({ messages: batch.map((m) => ({ topic: m.topic, key: m.key, value: Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength), headers: m.headers })) }))
      if (paceMs > 0) await new Promise((resolve) => setTimeout(resolve, paceMs))
    }
    await Promise.all(sends)
    const result = await clock.result(name)
    await stream.close()
    return result
  } finally {
    await consumer.close(true).catch(() => {})
    await producer.close().catch(() => {})
  }
}

const waitForAssignment = async (consumer: { readonly assignments: ReadonlyArray<unknown> | null }): Promise<void> => {
  const deadline = Date.now() + 60_000
  while ((consumer.assignments ?? []).length === 0) {
    if (Date.now() > deadline) throw new Error("the raw consumer got no assignment within 60 s")
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

// (b), (c) the EventBus port: every batch is published by its own fiber (none awaited before the next).
const overPort = (runtime: ManagedRuntime.ManagedRuntime<EventBus | EventBusAdmin, never>, name: string, topic: string, count: number, paceMs = 0) =>
  runtime.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const admin = yield* EventBusAdmin
        yield* admin.ensureTopics([{ name: topic, partitions: PARTITIONS, replicationFactor: 1 }])
        const messages = makeMessages(topic, count)
        const clock = new Clock(count)
        const subscription = yield* bus.subscribe({
          group: `bench-port-${topic}`,
          topics: [topic],
          handle: (batch) =>
            Effect.sync(() => {
              for (const message of batch.messages) clock.handled(Number(message.headers.seq))
            })
        })
        yield* subscription.ready
        let offset = 0
        const publishing = yield* Effect.forEach(chunks(messages, BATCH), (batch) =>
          Effect.gen(function* () {
            clock.sent(offset, offset + batch.length)
            offset += batch.length
            const fiber = yield* Effect.forkChild(bus.publish(batch))
            if (paceMs > 0) yield* Effect.sleep(paceMs)
            return fiber
          })
        )
        yield* Fiber.joinAll(publishing)
        return yield* Effect.promise(() => clock.result(name))
      })
    )
  )

const createTopic = async (brokers: Array<string>, topic: string) => {
  const admin = new Admin({ clientId: "bench-admin", bootstrapBrokers: brokers })
  try {
    await admin.createTopics({ topics: [topic], partitions: PARTITIONS, replicas: 1 })
    for (let i = 0; i < 100; i++) {
      const metadata = await admin.metadata({ topics: [topic], forceUpdate: true }).catch(() => undefined)
      if (metadata?.topics.get(topic)?.partitions.every((p) => p.leader >= 0)) return
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  } finally {
    await admin.close()
  }
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })

const main = async () => {
  const kafka = await startOrFindKafka()
  const brokers = kafka.brokers.split(",")
  const size = makeMessages("t", 1)[0]!.value.byteLength
  console.log(`bench-bus: ${fmt(MESSAGES)} messages of ~${size} bytes (envelope JSON), batches of ${BATCH}, ${PARTITIONS} partitions, broker ${kafka.source} ${kafka.brokers}`)
  const kafkaRuntime = ManagedRuntime.make(layerKafka({ brokers, clientId: "bench", sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, rebalanceTimeoutMs: 10_000 }))
  const memoryRuntime = ManagedRuntime.make(Layer.mergeAll(layerMemoryEventBus()))
  const results: Array<Result> = []
  const paced: Array<Result> = []
  const topic = (name: string) => `bench-${name}.${runId}`
  try {
    // Warm both Kafka paths up first so neither pays for the JIT in its measured run.
    await createTopic(brokers, topic("warm-raw"))
    await rawKafka(brokers, topic("warm-raw"), WARMUP, "warm-up")
    await overPort(kafkaRuntime, "warm-up", topic("warm-port"), WARMUP)

    // Burst: every batch handed over at once, so latency includes draining the backlog.
    await createTopic(brokers, topic("raw"))
    results.push(await rawKafka(brokers, topic("raw"), MESSAGES, "(a) raw @platformatic/kafka"))
    results.push(await overPort(kafkaRuntime, "(b) EventBus over Kafka", topic("port"), MESSAGES))
    results.push(await overPort(memoryRuntime, "(c) in-memory EventBus", topic("memory"), MESSAGES))

    // Paced: one batch every PACE_MS, well below capacity, so latency is the bus's own.
    await createTopic(brokers, topic("raw-paced"))
    paced.push(await rawKafka(brokers, topic("raw-paced"), PACED, "(a) raw @platformatic/kafka", PACE_MS))
    paced.push(await overPort(kafkaRuntime, "(b) EventBus over Kafka", topic("port-paced"), PACED, PACE_MS))
    paced.push(await overPort(memoryRuntime, "(c) in-memory EventBus", topic("memory-paced"), PACED, PACE_MS))
  } finally {
    await kafkaRuntime.dispose()
    await memoryRuntime.dispose()
    await kafka.cleanup(runId).catch(() => {})
    await kafka.stop()
  }
  table(`burst: ${fmt(MESSAGES)} messages published at once in batches of ${BATCH}`, results)
  table(`paced: ${fmt(PACED)} messages, one batch of ${BATCH} every ${PACE_MS} ms (${fmt((BATCH * 1000) / PACE_MS)} msg/s offered)`, paced)
  const ratio = (label: string, [raw, port]: ReadonlyArray<Result>) => {
    if (raw !== undefined && port !== undefined) {
      console.log(`(b)/(a) ${label}: throughput ${(raw.seconds / port.seconds).toFixed(2)}x, p50 latency ${(port.p50 / raw.p50).toFixed(2)}x, p99 latency ${(port.p99 / raw.p99).toFixed(2)}x`)
    }
  }
  console.log()
  ratio("burst", results)
  ratio("paced", paced)
}

const table = (title: string, results: ReadonlyArray<Result>) => {
  const rows = results.map((r) => [r.name, fmt(r.messages), fmt(r.messages / r.seconds), fmt(r.p50, 1), fmt(r.p99, 1)])
  const header = ["path", "messages", "msg/s", "p50 ms", "p99 ms"]
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: ReadonlyArray<string>) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ")
  console.log()
  console.log(title)
  console.log(line(header))
  console.log(widths.map((w) => "-".repeat(w)).join("  "))
  for (const row of rows) console.log(line(row))
}

await main()
process.exit(0)
