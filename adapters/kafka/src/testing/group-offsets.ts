/**
 * Moves consumer groups to the end of their topics, for a benchmark that runs one app after another on
 * the same broker: the shop's topics keep their names from run to run, so without this the whole shop
 * started after the cart alone would first work off every cart event the cart alone published (tens of
 * thousands, nobody had read them), and a run after an interrupted one the rest of its backlog; the
 * measured levels would carry that work. Committing offsets for a group that does not exist yet
 * creates it (empty, at those offsets), so a group's first run starts at the end too. A group with live
 * members cannot be moved (the broker refuses); the apps of the runs before must have stopped.
 */
import { Admin, ListOffsetTimestamps } from "@platformatic/kafka"

/** Commits, for every group, the latest offset of every partition of each of its topics that exists. */
export const skipGroupsToEnd = async (brokers: string, groups: Readonly<Record<string, ReadonlyArray<string>>>): Promise<void> => {
  const admin = new Admin({ clientId: "kasa-bench-skip", bootstrapBrokers: brokers.split(","), retries: 1, timeout: 10_000 })
  try {
    const existing = new Set(await admin.listTopics())
    const topics = [...new Set(Object.values(groups).flat())].filter((topic) => existing.has(topic))
    if (topics.length === 0) return
    const metadata = await admin.metadata({ topics })
    const listed = await admin.listOffsets({
      topics: topics.map((name) => ({
        name,
        partitions: Array.from({ length: metadata.topics.get(name)?.partitionsCount ?? 0 }, (_, partition) => ({ partitionIndex: partition, timestamp: ListOffsetTimestamps.LATEST }))
      }))
    })
    const ends = new Map(listed.map((topic) => [topic.name, topic.partitions.map((p) => ({ partition: p.partitionIndex, offset: p.offset }))]))
    for (const [groupId, groupTopics] of Object.entries(groups)) {
      const moved = groupTopics.filter((topic) => ends.has(topic)).map((name) => ({ name, partitionOffsets: ends.get(name)! }))
      if (moved.length > 0) await admin.alterConsumerGroupOffsets({ groupId, topics: moved })
    }
  } finally {
    await admin.close().catch(() => {})
  }
}
