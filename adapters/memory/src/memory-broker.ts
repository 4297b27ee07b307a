/**
 * The in-memory broker behind the embedded mode: a faithful model of the Kafka semantics the product
 * relies on, not a callback list. Topics have partitions chosen by key hash; each consumer group has
 * committed offsets per partition and members that split the partitions; a partition moves to another
 * member only after its previous owner has finished (and committed) the batch in hand; a member that
 * aborts commits nothing, so its uncommitted messages are delivered again to whoever takes over.
 * With `trim` on (the embedded app's broker), a partition forgets what every group reading its topic
 * has committed, and a topic no group reads keeps only its newest messages, so a long-running process
 * does not hold every event it ever carried; offsets stay absolute (a partition counts from its base).
 */
import type { DeliveredMessage, PartitionLag, TopicInfo } from "@kasa/shared"

/** murmur2-like 32-bit hash of the key's bytes (Kafka's default partitioner uses murmur2 too). */
export const partitionFor = (key: string, partitions: number): number => {
  let h = 0x9747b28c ^ key.length
  for (let i = 0; i < key.length; i++) {
    h = Math.imul(h ^ key.charCodeAt(i), 0x5bd1e995)
    h ^= h >>> 15
  }
  return (h >>> 0) % partitions
}

export class MemoryPartition {
  /** The messages from offset `base` on. */
  readonly log: Array<DeliveredMessage> = []
  /** The offset of `log[0]`: how many messages were trimmed off the front. */
  base = 0
  private waiters: Array<() => void> = []
  /** The offset the next message gets. */
  get end(): number {
    return this.base + this.log.length
  }
  /** The messages from offset `from` (at least `base`), at most `max` of them. */
  read(from: number, max: number): ReadonlyArray<DeliveredMessage> {
    const start = Math.max(0, from - this.base)
    return this.log.slice(start, start + max)
  }
  /** Forgets the messages below offset `below`. */
  trimBelow(below: number): void {
    const count = Math.min(below - this.base, this.log.length)
    if (count <= 0) return
    this.log.splice(0, count)
    this.base += count
  }
  append(message: DeliveredMessage): void {
    this.log.push(message)
    if (this.waiters.length > 0) {
      const waiters = this.waiters
      this.waiters = []
      for (const wake of waiters) wake()
    }
  }
  /** Resolves on the next append (or when `cancel` is called). */
  waitForAppend(): { readonly promise: Promise<void>; readonly cancel: () => void } {
    let wake!: () => void
    const promise = new Promise<void>((resolve) => (wake = resolve))
    this.waiters.push(wake)
    return { promise, cancel: wake }
  }
}

export interface MemberHandle {
  readonly id: string
  readonly topics: ReadonlyArray<string>
  /** Called by the broker with the member's new assignment, keys `topic:partition`. */
  readonly assign: (partitions: ReadonlyArray<string>) => void
}

export class MemoryGroup {
  readonly committed = new Map<string, number>()
  /**
   * Per partition with a batch in hand that is not committed yet: when it was first read. A batch that
   * fails or whose member leaves is delivered again from the same offset, and keeps its first time.
   */
  readonly inHandSince = new Map<string, number>()
  readonly members: Array<MemberHandle> = []
  /** Per partition, the loop currently owning it: a successor waits for it to finish. */
  readonly owners = new Map<string, Promise<void>>()
}

export const tpKey = (topic: string, partition: number): string => `${topic}:${partition}`

export interface MemoryBrokerOptions {
  /** Forget what every group has committed, and all but the newest `keepUnread` messages of topics no group reads. Off: keep every message (tests read the logs). */
  readonly trim?: boolean
  /** Per partition of a topic that no group reads. */
  readonly keepUnread?: number
}

/** A trim shifts the log, so it waits until this many messages can go at once. */
const TRIM_BATCH = 256

export class MemoryBroker {
  readonly topics = new Map<string, Array<MemoryPartition>>()
  readonly groups = new Map<string, MemoryGroup>()
  private memberSeq = 0
  private readonly trimming: boolean
  private readonly keepUnread: number

  constructor(options: MemoryBrokerOptions = {}) {
    this.trimming = options.trim ?? false
    this.keepUnread = options.keepUnread ?? 1_000
  }

  createTopic(name: string, partitions: number): void {
    if (this.topics.has(name)) return
    this.topics.set(name, Array.from({ length: partitions }, () => new MemoryPartition()))
    for (const group of this.groups.values()) {
      if (group.members.some((member) => member.topics.includes(name))) this.rebalance(group)
    }
  }

  listTopics(): ReadonlyArray<TopicInfo> {
    return [...this.topics].map(([name, partitions]) => ({ name, partitions: partitions.length }))
  }

  /** Appends all messages or none (unknown topics are refused up front, as with auto-create off). */
  append(messages: ReadonlyArray<{ topic: string; key: string; value: Uint8Array; headers: Readonly<Record<string, string>> }>): string | undefined {
    for (const message of messages) if (!this.topics.has(message.topic)) return message.topic
    const now = Date.now()
    for (const message of messages) {
      const partitions = this.topics.get(message.topic)!
      const partition = partitionFor(message.key, partitions.length)
      const target = partitions[partition]!
      target.append({
        topic: message.topic,
        key: message.key,
        value: message.value,
        headers: message.headers,
        partition,
        offset: target.end,
        timestamp: now,
        inProcess: true
      })
      if (this.trimming && target.log.length >= this.keepUnread + TRIM_BATCH && !this.isRead(message.topic)) target.trimBelow(target.end - this.keepUnread)
    }
    return undefined
  }

  /** Whether some group reads `topic` (a member subscribes to it, or the group has committed on it). */
  private isRead(topic: string): boolean {
    for (const group of this.groups.values()) {
      if (group.members.some((member) => member.topics.includes(topic))) return true
      for (const key of group.committed.keys()) if (key.startsWith(`${topic}:`)) return true
    }
    return false
  }

  /** Records `group`'s commit and, with trimming on, forgets what every group reading the topic has committed. */
  commit(groupName: string, topic: string, partition: number, offset: number): void {
    const key = tpKey(topic, partition)
    const group = this.group(groupName)
    group.committed.set(key, offset)
    group.inHandSince.delete(key)
    if (!this.trimming) return
    const target = this.topics.get(topic)?.[partition]
    if (target === undefined) return
    const lowest = this.lowestCommitted(topic, key, target)
    if (lowest - target.base >= TRIM_BATCH || lowest === target.end) target.trimBelow(lowest)
  }

  /** The lowest offset of `target` (partition `key` of `topic`) that every group reading the topic has committed; its end when none reads it. */
  private lowestCommitted(topic: string, key: string, target: MemoryPartition): number {
    let lowest = target.end
    for (const group of this.groups.values()) {
      const committed = group.committed.get(key)
      if (committed !== undefined) lowest = Math.min(lowest, committed)
      else if (group.members.some((member) => member.topics.includes(topic))) lowest = Math.min(lowest, target.base)
    }
    return lowest
  }

  /**
   * How many messages some group reading their topic has not committed yet: per partition, the lag of
   * its slowest reader, summed. What the embedded shop's consumers still have to do (topics no group
   * reads count nothing).
   */
  unread(): number {
    let total = 0
    for (const [topic, partitions] of this.topics) {
      for (let partition = 0; partition < partitions.length; partition++) {
        const target = partitions[partition]!
        if (target.log.length > 0) total += target.end - this.lowestCommitted(topic, tpKey(topic, partition), target)
      }
    }
    return total
  }

  /** Notes that `group` holds a batch of `topic:partition` from its committed offset, unless it already did. */
  reading(groupName: string, key: string, now: number = Date.now()): void {
    const group = this.group(groupName)
    if (!group.inHandSince.has(key)) group.inHandSince.set(key, now)
  }

  /**
   * When the oldest batch `group` holds uncommitted was first read (Infinity when it holds none): a
   * message the group applied before then is committed, and never delivered to it again.
   */
  uncommittedSince(groupName: string): number {
    let oldest = Number.POSITIVE_INFINITY
    for (const since of this.groups.get(groupName)?.inHandSince.values() ?? []) oldest = Math.min(oldest, since)
    return oldest
  }

  group(name: string): MemoryGroup {
    let group = this.groups.get(name)
    if (group === undefined) {
      group = new MemoryGroup()
      this.groups.set(name, group)
    }
    return group
  }

  nextMemberId(group: string): string {
    return `${group}-member-${++this.memberSeq}`
  }

  join(groupName: string, member: MemberHandle): void {
    const group = this.group(groupName)
    group.members.push(member)
    this.rebalance(group)
  }

  leave(groupName: string, memberId: string): void {
    const group = this.group(groupName)
    const index = group.members.findIndex((member) => member.id === memberId)
    if (index >= 0) group.members.splice(index, 1)
    this.rebalance(group)
  }

  /** Round-robin each topic's partitions over the members subscribed to it, in join order. */
  private rebalance(group: MemoryGroup): void {
    const assignment = new Map<string, Array<string>>(group.members.map((member) => [member.id, []]))
    const topics = new Set(group.members.flatMap((member) => member.topics))
    for (const topic of [...topics].sort()) {
      const partitions = this.topics.get(topic)
      if (partitions === undefined) continue
      const subscribers = group.members.filter((member) => member.topics.includes(topic))
      partitions.forEach((_, partition) => {
        assignment.get(subscribers[partition % subscribers.length]!.id)!.push(tpKey(topic, partition))
      })
    }
    for (const member of group.members) member.assign(assignment.get(member.id)!)
  }

  lag(groupName: string, topics: ReadonlyArray<string>): ReadonlyArray<PartitionLag> {
    const group = this.group(groupName)
    const out: Array<PartitionLag> = []
    for (const topic of topics) {
      const partitions = this.topics.get(topic) ?? []
      partitions.forEach((p, partition) => {
        const committed = group.committed.get(tpKey(topic, partition)) ?? p.base
        out.push({ topic, partition, committed, end: p.end, lag: p.end - committed })
      })
    }
    return out
  }
}
