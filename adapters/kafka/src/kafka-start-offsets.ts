/**
 * Where a member starts a partition it was just assigned: the group's committed offset, or the
 * partition's earliest offset when the group never committed one (the "committed" mode with fallback
 * "earliest": a replay is absorbed by the processed-event records, a skip would be lost data).
 */
import { ListOffsetTimestamps, type Consumer } from "@platformatic/kafka"
import { partitionKey } from "./kafka-partition-state.ts"

export const readStartOffsets = async (
  consumer: Consumer,
  partitions: Iterable<{ readonly topic: string; readonly partition: number }>
): Promise<ReadonlyArray<readonly [key: string, offset: bigint]>> => {
  const byTopic = new Map<string, Array<number>>()
  for (const { topic, partition } of partitions) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition])
  if (byTopic.size === 0) return []
  const committed = await consumer.listCommittedOffsets({ topics: [...byTopic].map(([topic, list]) => ({ topic, partitions: list })) })
  const offsets: Array<readonly [string, bigint]> = []
  const missing = new Map<string, Array<number>>()
  for (const [topic, list] of byTopic) {
    for (const partition of list) {
      const offset = committed.get(topic)?.[partition]
      if (offset !== undefined && offset >= 0n) offsets.push([partitionKey(topic, partition), offset])
      else missing.set(topic, [...(missing.get(topic) ?? []), partition])
    }
  }
  if (missing.size > 0) {
    const earliest = await consumer.listOffsets({ topics: [...missing.keys()], partitions: Object.fromEntries(missing), timestamp: ListOffsetTimestamps.EARLIEST })
    for (const [topic, list] of missing) for (const partition of list) offsets.push([partitionKey(topic, partition), earliest.get(topic)?.[partition] ?? 0n])
  }
  return offsets
}
