// The ops CLI as a user runs it, against the real broker: provision, topics, tail, lag, dlq list/replay.
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { layerKafka } from "@kasa/adapter-kafka"
import { DlqHeaders, dlqTopic, EventBus, EventBusAdmin, makeEnvelope, toBusMessage } from "@kasa/shared"
import { runGroup, runTopic, testKafka } from "@kasa/test-support/infra"

const entry = new URL("../src/main.ts", import.meta.url).pathname

const ops = async (brokers: string, ...args: Array<string>) => {
  const child = Bun.spawn([process.execPath, entry, ...args], {
    env: { ...process.env, KAFKA_BROKERS: brokers },
    stdout: "pipe",
    stderr: "pipe"
  })
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  return { stdout, stderr, code }
}

describe("ops CLI over Kafka", async () => {
  const kafka = await testKafka()
  const brokers = kafka.brokers
  const topic = runTopic("ops-orders")
  const layer = layerKafka({ brokers: brokers.split(","), clientId: "ops-test" })
  const run = <A, E>(effect: Effect.Effect<A, E, EventBus | EventBusAdmin>) => Effect.runPromise(Effect.provide(effect, layer))
  await run(Effect.flatMap(EventBusAdmin, (admin) => admin.ensureTopics([{ name: topic, partitions: 3, replicationFactor: 1 }, { name: dlqTopic(topic), partitions: 3, replicationFactor: 1 }])))
  const envelope = makeEnvelope({ eventName: "order.created", aggregateId: "ord_1", correlationId: "corr_ops", producer: "test", payload: { total: 100 } })

  test("without KAFKA_BROKERS it says what is missing", async () => {
    const child = Bun.spawn([process.execPath, entry, "topics"], { env: { PATH: process.env.PATH ?? "" }, stdout: "pipe", stderr: "pipe" })
    expect(await child.exited).toBe(2)
    expect(await new Response(child.stderr).text()).toContain("KAFKA_BROKERS is required")
  })

  test("provision creates every topic and its .dlq; topics lists them with partition counts", async () => {
    const provision = await ops(brokers, "provision", "--partitions", "3")
    expect(provision.code).toBe(0)
    expect(provision.stdout).toContain("provisioned 24 topics")
    const topics = await ops(brokers, "topics")
    expect(topics.code).toBe(0)
    for (const name of ["cart-events", "cart-events.dlq", "checkout.requests", "checkout.finished.dlq", topic]) {
      expect(topics.stdout).toMatch(new RegExp(`^${name.replaceAll(".", "\\.")}\\s+3$`, "m"))
    }
  })

  test("tail prints the last envelopes", async () => {
    await run(Effect.flatMap(EventBus, (bus) => bus.publish([toBusMessage({ topic, key: "ord_1", envelope })])))
    const tail = await ops(brokers, "tail", topic, "-n", "5")
    expect(tail.code).toBe(0)
    expect(tail.stdout).toContain(`"event_id": "${envelope.event_id}"`)
    expect(tail.stdout).toContain("key=ord_1")
  })

  test("lag shows committed offset, end and lag per partition", async () => {
    const group = runGroup("ops-lag")
    const lag = await ops(brokers, "lag", group, "--topics", topic)
    expect(lag.code).toBe(0)
    expect(lag.stdout).toContain("TOPIC")
    expect(lag.stdout).toMatch(/group .*: total lag [1-9]\d*/)
  })

  test("dlq list shows dead letters with their error; replay puts them back on the topic", async () => {
    const letter = toBusMessage({ topic, key: "ord_2", envelope: { ...envelope, event_id: "dead-1" } })
    await run(
      Effect.flatMap(EventBus, (bus) =>
        bus.publish([
          {
            ...letter,
            topic: dlqTopic(topic),
            headers: { ...letter.headers, [DlqHeaders.error]: "Boom: no stock", [DlqHeaders.group]: "g", [DlqHeaders.topic]: topic, [DlqHeaders.partition]: "1", [DlqHeaders.offset]: "4", [DlqHeaders.attempts]: "5" }
          }
        ])
      )
    )
    const list = await ops(brokers, "dlq", "list", topic)
    expect(list.code).toBe(0)
    expect(list.stdout).toContain("error: Boom: no stock")
    expect(list.stdout).toContain("1 dead letter(s)")
    const replay = await ops(brokers, "dlq", "replay", topic)
    expect(replay.code).toBe(0)
    expect(replay.stdout).toContain(`replayed 1 dead letter(s) to ${topic}`)
    const messages = await run(Effect.flatMap(EventBusAdmin, (admin) => admin.readTopic(topic)))
    const replayed = messages.find((m) => new TextDecoder().decode(m.value).includes("dead-1"))
    expect(replayed?.key).toBe("ord_2")
    expect(Object.keys(replayed?.headers ?? {}).some((h) => h.startsWith("dlq."))).toBe(false)
  })
})
