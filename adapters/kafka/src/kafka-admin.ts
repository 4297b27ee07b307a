/**
 * The EventBusAdmin port over Kafka: provisioning (create what is missing with its retention, bring
 * what exists to the asked retention (kafka-retention.ts), then wait until every partition has a
 * leader so the first publish does not race the controller),
 * listing topics with partition counts, per-partition lag of a group, reading a topic without joining
 * any group (ops tail and DLQ listing), and a ping for health checks.
 */
import { ListOffsetTimestamps, type ClusterMetadata, type fetchV17 } from "@platformatic/kafka"
import { Effect } from "effect"
import { EventBusAdmin, EventBusUnavailable, type DeliveredMessage, type PartitionLag, type TopicInfo, type TopicSpec } from "@kasa/shared"
import type { KafkaClients } from "./kafka-clients.ts"
import { attempt, describeError } from "./kafka-errors.ts"
import { decodeBatches } from "./kafka-records.ts"
import { alignRetention, byRetention, retentionConfigs } from "./kafka-retention.ts"

const PROVISION_DEADLINE_MS = 30_000

const range = (n: number): Array<number> => Array.from({ length: n }, (_, i) => i)

/** Every partition of every topic has a leader (existing topics keep their own partition count). */
const allLed = (metadata: ClusterMetadata, topics: ReadonlyArray<TopicSpec>): boolean =>
  topics.every((spec) => {
    const topic = metadata.topics.get(spec.name)
    return topic !== undefined && topic.partitionsCount > 0 && topic.partitions.length === topic.partitionsCount && topic.partitions.every((p) => p !== undefined && p.leader >= 0)
  })

const ensureTopics = (clients: KafkaClients, specs: ReadonlyArray<TopicSpec>) =>
  Effect.gen(function* () {
    const topics = [...new Map(specs.map((spec) => [spec.name, spec])).values()]
    if (topics.length === 0) return
    const existing = new Set(yield* attempt("ensureTopics", () => clients.admin.listTopics()))
    const missing = topics.filter((spec) => !existing.has(spec.name))
    for (const batch of byRetention(missing)) {
      yield* attempt("ensureTopics", async () => {
        try {
          await clients.admin.createTopics({
            topics: batch.specs.map((spec) => ({ topic: spec.name, partitions: spec.partitions, replicas: spec.replicationFactor })),
            configs: retentionConfigs(batch.retentionMs)
          })
        } catch (error) {
          // Someone else may have created them meanwhile (TOPIC_ALREADY_EXISTS): fine if they exist now.
          const now = new Set(await clients.admin.listTopics())
          if (!batch.specs.every((spec) => now.has(spec.name))) throw error
          await alignRetention(clients, batch.specs)
        }
      })
    }
    yield* attempt("ensureTopics", () => alignRetention(clients, topics.filter((spec) => existing.has(spec.name))))
    const deadline = Date.now() + PROVISION_DEADLINE_MS
    let last = "no metadata yet"
    for (;;) {
      const metadata = yield* Effect.tryPromise(() => clients.admin.metadata({ topics: topics.map((spec) => spec.name), forceUpdate: true })).pipe(
        Effect.catch((error) => Effect.sync(() => void (last = describeError(error))))
      )
      if (metadata !== undefined && allLed(metadata, topics)) return
      if (Date.now() > deadline) {
        return yield* new EventBusUnavailable({ operation: "ensureTopics", message: `topics have no leader after ${PROVISION_DEADLINE_MS} ms: ${last}` })
      }
      yield* Effect.sleep(100)
    }
  })

const listTopics = (clients: KafkaClients) =>
  Effect.gen(function* () {
    const names = yield* attempt("listTopics", () => clients.admin.listTopics())
    if (names.length === 0) return []
    const metadata = yield* attempt("listTopics", () => clients.admin.metadata({ topics: names, forceUpdate: true }))
    return names.map((name): TopicInfo => ({ name, partitions: metadata.topics.get(name)?.partitionsCount ?? 0 }))
  })

const listOffsets = (clients: KafkaClients, counts: ReadonlyMap<string, number>, timestamp: bigint) =>
  attempt("groupLag", () =>
    clients.admin.listOffsets({
      topics: [...counts].map(([name, count]) => ({ name, partitions: range(count).map((partitionIndex) => ({ partitionIndex, timestamp })) }))
    })
  ).pipe(
    Effect.map((listed) => {
      const offsets = new Map<string, bigint>()
      for (const topic of listed) for (const p of topic.partitions) offsets.set(`${topic.name}:${p.partitionIndex}`, p.offset)
      return offsets
    })
  )

const groupLag = (clients: KafkaClients, group: string, topics: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    if (topics.length === 0) return []
    const metadata = yield* attempt("groupLag", () => clients.admin.metadata({ topics: [...topics], forceUpdate: true }))
    const counts = new Map(topics.map((name) => [name, metadata.topics.get(name)?.partitionsCount ?? 0] as const))
    const [groups, ends, starts] = yield* Effect.all(
      [
        attempt("groupLag", () =>
          clients.admin.listConsumerGroupOffsets({ groups: [{ groupId: group, topics: [...counts].map(([name, count]) => ({ name, partitionIndexes: range(count) })) }] })
        ),
        listOffsets(clients, counts, ListOffsetTimestamps.LATEST),
        listOffsets(clients, counts, ListOffsetTimestamps.EARLIEST)
      ],
      { concurrency: "unbounded" }
    )
    const committed = new Map<string, bigint>()
    for (const g of groups) for (const t of g.topics) for (const p of t.partitions) committed.set(`${t.name}:${p.partitionIndex}`, p.committedOffset)
    const lags: Array<PartitionLag> = []
    for (const [topic, count] of counts) {
      for (const partition of range(count)) {
        const key = `${topic}:${partition}`
        const end = Number(ends.get(key) ?? 0n)
        const at = committed.get(key) ?? -1n
        // Nothing committed: the group would start at the earliest offset (fallback "earliest").
        const position = at >= 0n ? Number(at) : Number(starts.get(key) ?? 0n)
        lags.push({ topic, partition, committed: position, end, lag: Math.max(0, end - position) })
      }
    }
    return lags
  })

/** Reads [start, end) of every partition with plain fetches: no group, no commits. */
const readTopic = (clients: KafkaClients, topic: string, options?: { readonly fromEnd?: number }) =>
  attempt("readTopic", async () => {
    const reader = clients.reader
    reader.topics.track(topic)
    try {
      const metadata = await reader.metadata({ topics: [topic], forceUpdate: true })
      const info = metadata.topics.get(topic)
      if (info === undefined) throw new Error(`unknown topic ${topic}`)
      const [earliest, latest] = await Promise.all([
        reader.listOffsets({ topics: [topic], timestamp: ListOffsetTimestamps.EARLIEST }),
        reader.listOffsets({ topics: [topic], timestamp: ListOffsetTimestamps.LATEST })
      ])
      const fromEnd = options?.fromEnd
      const positions = range(info.partitionsCount).map((partition) => {
        const start = earliest.get(topic)?.[partition] ?? 0n
        const end = latest.get(topic)?.[partition] ?? 0n
        const from = fromEnd === undefined ? start : end - BigInt(fromEnd) > start ? end - BigInt(fromEnd) : start
        return { partition, at: from, end }
      })
      const out: Array<DeliveredMessage> = []
      for (;;) {
        const open = positions.filter((p) => p.at < p.end)
        if (open.length === 0) break
        const byNode = new Map<number, Array<(typeof positions)[number]>>()
        for (const p of open) {
          const leader = info.partitions[p.partition]?.leader ?? -1
          byNode.set(leader, [...(byNode.get(leader) ?? []), p])
        }
        let progressed = false
        for (const [node, parts] of byNode) {
          const request: fetchV17.FetchRequestTopic = {
            topicId: info.id,
            partitions: parts.map((p) => ({ partition: p.partition, fetchOffset: p.at, partitionMaxBytes: 4 * 1024 * 1024, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }))
          }
          const response: fetchV17.FetchResponse = await reader.fetch({ node, topics: [request], maxWaitTime: 100, minBytes: 1, maxBytes: 16 * 1024 * 1024 })
          for (const t of response.responses) {
            for (const answer of t.partitions) {
              const p = parts.find((candidate) => candidate.partition === answer.partitionIndex)
              if (p === undefined || !answer.records || answer.records.length === 0) continue
              const next = decodeBatches(topic, p.partition, answer.records, p.at, out)
              if (next > p.at) {
                p.at = next
                progressed = true
              }
            }
          }
        }
        if (!progressed) break
      }
      out.sort((a, b) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset)
      return fromEnd === undefined ? out : out.slice(-fromEnd)
    } finally {
      reader.topics.untrack(topic)
    }
  })

export const makeKafkaEventBusAdmin = (clients: KafkaClients) =>
  EventBusAdmin.of({
    ensureTopics: (topics) => ensureTopics(clients, topics),
    listTopics: listTopics(clients),
    groupLag: (group, topics) => groupLag(clients, group, topics),
    readTopic: (topic, options) => readTopic(clients, topic, options),
    ping: attempt("ping", () => clients.admin.metadata({ topics: [], forceUpdate: true })).pipe(
      Effect.timeoutOrElse({
        duration: clients.options.requestTimeoutMs,
        orElse: () => Effect.fail(new EventBusUnavailable({ operation: "ping", message: `no answer within ${clients.options.requestTimeoutMs} ms` }))
      }),
      Effect.asVoid
    )
  })
