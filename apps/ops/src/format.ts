/**
 * How the ops CLI prints what it finds: aligned tables for topics and lag, envelopes pretty-printed
 * for tail, dead letters and dead outbox entries with the reason they were set aside. Pure functions, tested on their own.
 */
import type { DeadOutboxEntry, DeliveredMessage, OutboxStats, PartitionLag, TopicInfo } from "@kasa/shared"
import { DlqHeaders, decodeEnvelope } from "@kasa/shared"

export const table = (headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string | number>>): string => {
  const cells = [headers, ...rows.map((row) => row.map(String))]
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)))
  return cells.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n")
}

export const formatTopics = (topics: ReadonlyArray<TopicInfo>): string =>
  table(["TOPIC", "PARTITIONS"], [...topics].sort((a, b) => a.name.localeCompare(b.name)).map((t) => [t.name, t.partitions]))

export const formatLag = (group: string, rows: ReadonlyArray<PartitionLag>): string => {
  const total = rows.reduce((sum, row) => sum + row.lag, 0)
  return `${table(
    ["TOPIC", "PARTITION", "COMMITTED", "END", "LAG"],
    rows.map((r) => [r.topic, r.partition, r.committed, r.end, r.lag])
  )}\ngroup ${group}: total lag ${total}`
}

const decoder = new TextDecoder()

/** One message as a reader wants it: where it sits, its key, and the envelope (or the raw bytes). */
export const formatMessage = (message: DeliveredMessage): string => {
  const where = `${message.topic}[${message.partition}]@${message.offset} key=${message.key} ${new Date(message.timestamp).toISOString()}`
  const decoded = decodeEnvelope(message.value)
  const body = decoded.ok ? JSON.stringify(decoded.envelope, null, 2) : `(not an envelope: ${decoded.reason})\n${decoder.decode(message.value)}`
  return `${where}\n${body}`
}

export const formatDeadLetter = (message: DeliveredMessage): string => {
  const h = message.headers
  const decoded = decodeEnvelope(message.value)
  const name = decoded.ok ? `${decoded.envelope.event_name} ${decoded.envelope.event_id}` : "(undecodable)"
  return [
    `${message.topic}@${message.offset} key=${message.key} ${name}`,
    `  from ${h[DlqHeaders.topic] ?? "?"}[${h[DlqHeaders.partition] ?? "?"}]@${h[DlqHeaders.offset] ?? "?"} group=${h[DlqHeaders.group] ?? "?"} attempts=${h[DlqHeaders.attempts] ?? "?"}`,
    `  error: ${h[DlqHeaders.error] ?? "?"}`
  ].join("\n")
}

/** A dead letter put back on its original topic: same key, value and original headers. */
export const replayOf = (message: DeliveredMessage): { topic: string; key: string; value: Uint8Array; headers: Record<string, string> } => {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(message.headers)) if (!name.startsWith("dlq.")) headers[name] = value
  const topic = message.headers[DlqHeaders.topic]
  if (topic === undefined) throw new Error(`dead letter at offset ${message.offset} has no ${DlqHeaders.topic} header`)
  return { topic, key: message.key, value: message.value, headers }
}

export const formatOutboxStats = (outbox: string, stats: OutboxStats): string =>
  `outbox ${outbox}: ${stats.pending} pending, oldest ${(stats.oldestAgeMs / 1000).toFixed(1)} s old, ${stats.dead} set aside`

/** One outbox entry set aside: where it was, when and why, then what it held. */
export const formatDeadOutboxEntry = (entry: DeadOutboxEntry): string =>
  [
    `${entry.id} (outbox entry ${entry.outboxId}) set aside ${new Date(entry.setAsideAt).toISOString()}`,
    `  reason: ${entry.reason}`,
    ...Object.keys(entry.fields)
      .sort()
      .map((name) => `  ${name}: ${entry.fields[name]}`)
  ].join("\n")
