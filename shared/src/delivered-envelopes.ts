/**
 * One decode of a message for every group of a process that reads it. Each consumer group fetches
 * its own copy of a record, so the five groups of the whole shop that read every cart event each
 * turned the same bytes into text, parsed them and ran the envelope's Schema over them. A record is
 * the same record wherever it is delivered: a topic, partition and offset name it once (checked
 * against its timestamp and length too, should a topic be made again under the same name), so the
 * result of its first decode is kept for the groups that come after (the last DECODES_KEPT records;
 * a group further behind than that decodes again). Only the result is kept, never the bytes: a value
 * is a view of the whole fetch response it came in, which keeping it would keep alive. Envelopes are
 * read-only, so sharing one between groups is sharing a value.
 */
import { decodeEnvelope } from "./envelope.ts"
import type { DeliveredMessage } from "./event-bus.ts"

/** How many records' decodes a process keeps (a few batches of every partition its groups read). */
export const DECODES_KEPT = 4_096

type Decoded = ReturnType<typeof decodeEnvelope>

interface Kept {
  readonly timestamp: number
  readonly length: number
  readonly decoded: Decoded
}

const kept = new Map<string, Kept>()

/** `message`'s envelope, or why it is none: decoded by the first group to ask, shared with the rest. */
export const deliveredEnvelope = (message: DeliveredMessage): Decoded => {
  const key = `${message.topic}\u0000${message.partition}\u0000${message.offset}`
  const found = kept.get(key)
  if (found !== undefined && found.timestamp === message.timestamp && found.length === message.value.length) return found.decoded
  const decoded = decodeEnvelope(message.value)
  if (kept.size >= DECODES_KEPT) kept.delete(kept.keys().next().value!)
  kept.set(key, { timestamp: message.timestamp, length: message.value.length, decoded })
  return decoded
}
