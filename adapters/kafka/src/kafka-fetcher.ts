/**
 * A group member's fetch loop: long-poll fetches, at most one in flight per broker, for the owned
 * partitions that have a position and room to read ahead (a busy one lingering briefly between fetches,
 * so records arrive in batches the consumer runtime writes at once), on a connection pool of their own so a
 * waiting fetch never delays heartbeats or commits. Records are queued only if they continue the
 * partition exactly where the request said it was and the member's token has not changed since: an
 * answer that arrives after a rebalance can never move a position past records nobody handled.
 */
import type { ClusterMetadata, ConnectionPool, Consumer, fetchV17 } from "@platformatic/kafka"
import { decodeBatches } from "./kafka-records.ts"
import { partitionKey, queued, type PartitionState } from "./kafka-partition-state.ts"

const OFFSET_OUT_OF_RANGE = 1
const MAX_FETCH_BYTES = 16 * 1024 * 1024
const PARTITION_FETCH_BYTES = 2 * 1024 * 1024
const RETRY_MS = 500

/** What the fetcher needs from the member that owns it. */
export interface FetchHost {
  readonly partitions: () => Iterable<PartitionState>
  /** Bumped by the member whenever positions become invalid. */
  readonly token: () => number
  readonly active: () => boolean
  /** New records were queued for this partition. */
  readonly received: (state: PartitionState) => void
  readonly later: (ms: number, run: () => void) => void
  readonly warn: (message: string, cause?: unknown) => void
}

type Requested = ReadonlyMap<string, { readonly state: PartitionState; readonly offset: bigint }>

export class KafkaFetcher {
  private readonly inflight = new Set<number>()
  /** How many partition answers have queued records, so far. */
  private queuedSoFar = 0
  private pumping = false

  constructor(
    private readonly consumer: Consumer,
    private readonly pool: ConnectionPool,
    private readonly topics: Array<string>,
    private readonly maxWaitMs: number,
    /** After a fetch that queued records, the pause before the next one (KafkaOptions.fetchLingerMs). */
    private readonly lingerMs: number,
    private readonly maxQueued: number,
    private readonly host: FetchHost
  ) {}

  /** Starts a fetch for every broker that leads a partition wanting records and has none in flight. */
  pump(): void {
    if (!this.host.active() || this.pumping) return
    this.pumping = true
    const token = this.host.token()
    this.consumer.metadata({ topics: this.topics }, (error, metadata) => {
      this.pumping = false
      if (token !== this.host.token() || !this.host.active()) return
      if (error || metadata === undefined) {
        this.host.warn("reading the cluster metadata failed; retrying", error)
        this.host.later(RETRY_MS, () => this.pump())
        return
      }
      const byNode = new Map<number, Array<PartitionState>>()
      let leaderless = false
      for (const state of this.host.partitions()) {
        if (!state.owned || state.fetchOffset === undefined || queued(state) >= this.maxQueued) continue
        const leader = metadata.topics.get(state.topic)?.partitions[state.partition]?.leader
        if (leader === undefined || leader < 0) {
          leaderless = true
          continue
        }
        if (this.inflight.has(leader)) continue
        const states = byNode.get(leader)
        if (states === undefined) byNode.set(leader, [state])
        else states.push(state)
      }
      for (const [node, states] of byNode) this.fetchFrom(node, states, metadata, token)
      if (leaderless) {
        this.consumer.clearMetadata()
        this.host.later(RETRY_MS, () => this.pump())
      }
    })
  }

  private fetchFrom(node: number, states: ReadonlyArray<PartitionState>, metadata: ClusterMetadata, token: number): void {
    const requested = new Map<string, { readonly state: PartitionState; readonly offset: bigint }>()
    const topicNames = new Map<string, string>()
    const byTopic = new Map<string, fetchV17.FetchRequestTopic>()
    for (const state of states) {
      const offset = state.fetchOffset!
      let request = byTopic.get(state.topic)
      if (request === undefined) {
        const topicId = metadata.topics.get(state.topic)!.id
        request = { topicId, partitions: [] }
        byTopic.set(state.topic, request)
        topicNames.set(topicId, state.topic)
      }
      request.partitions.push({ partition: state.partition, fetchOffset: offset, partitionMaxBytes: PARTITION_FETCH_BYTES, currentLeaderEpoch: -1, lastFetchedEpoch: -1 })
      requested.set(partitionKey(state.topic, state.partition), { state, offset })
    }
    this.inflight.add(node)
    this.consumer.fetch(
      { node, topics: [...byTopic.values()], connectionPool: this.pool, maxWaitTime: this.maxWaitMs, minBytes: 1, maxBytes: MAX_FETCH_BYTES },
      (error, response) => {
        this.inflight.delete(node)
        if (token !== this.host.token() || !this.host.active()) {
          this.pump()
          return
        }
        // Partition-level errors arrive as an error that still carries the response.
        const answer: fetchV17.FetchResponse | undefined = response ?? (error as { response?: fetchV17.FetchResponse } | null)?.response
        const queued = this.queuedSoFar
        const troubled = answer === undefined ? true : this.accept(answer, requested, topicNames)
        if (error !== null && error !== undefined) this.host.warn("fetching records failed; retrying", error)
        if (troubled) {
          this.consumer.clearMetadata()
          this.host.later(RETRY_MS, () => this.pump())
        } else if (this.lingerMs > 0 && this.queuedSoFar !== queued) {
          // Records came, so more are likely on the way: let them gather and arrive together.
          this.host.later(this.lingerMs, () => this.pump())
        } else {
          this.pump()
        }
      }
    )
  }

  /** Queues the records that continue each partition exactly where it was; true if a partition had an error. */
  private accept(response: fetchV17.FetchResponse, requested: Requested, topicNames: ReadonlyMap<string, string>): boolean {
    let troubled = false
    for (const topicResponse of response.responses) {
      const topic = topicNames.get(topicResponse.topicId)
      if (topic === undefined) continue
      for (const answer of topicResponse.partitions) {
        const entry = requested.get(partitionKey(topic, answer.partitionIndex))
        if (entry === undefined) continue
        const { state, offset } = entry
        if (!state.owned || state.fetchOffset !== offset) continue
        if (answer.errorCode === OFFSET_OUT_OF_RANGE) {
          // The position no longer exists (retention, a recreated topic): start over from the earliest.
          state.fetchOffset = answer.logStartOffset >= 0n ? answer.logStartOffset : 0n
          this.host.warn(`offset ${offset} of ${topic}/${answer.partitionIndex} is out of range; continuing at ${state.fetchOffset}`)
          continue
        }
        if (answer.errorCode !== 0) {
          troubled = true
          continue
        }
        const records = answer.records
        if (records === undefined || records === null || records.length === 0) continue
        const before = state.queue.length
        state.fetchOffset = decodeBatches(topic, answer.partitionIndex, records, offset, state.queue)
        if (state.queue.length > before) {
          this.queuedSoFar++
          this.host.received(state)
        }
      }
    }
    return troubled
  }
}
