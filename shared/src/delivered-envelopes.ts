/**
 * One decode of a message for every group of a process that reads it. Each consumer group fetches
 * its own copy of a record, so the five groups of the whole shop that read every cart event each
 * turned the same bytes into text, parsed them and ran the envelope's Schema over them. A record is
 * the same record wherever it is delivered: a topic, partition and offset name it, checked against its
 * timestamp, its length and its first bytes (where an envelope carries its event id), so another bus
 * in the same process (tests start many), or a topic made again under the same name, is never taken
 * for it. The result of its first decode is kept for the groups that come after (the last
 * DECODES_KEPT records; a group further behind than that decodes again). Only the result and those
 * first bytes are kept, never the value: it is a view of the whole fetch response it came in, which
 * keeping it would keep alive. Envelopes are read-only, so sharing one between groups is sharing a value.
 * An in-process bus (the embedded mode) gives every group the same message object: its decode is kept
 * with that object instead (a WeakMap), for exactly as long as the bus's log holds it. Every group then
 * shares it however far apart they are, and the last DECODES_KEPT records' decodes are not held on top
 * (measured in the embedded shop, 4,000 ten-line carts: 42% of the decodes served from the positional
 * cache, which held about 50 MB).
 */
import { decodeEnvelope } from "./envelope.ts"
import type { DeliveredMessage } from "./event-bus.ts"
import { releasableCache } from "./releasable-caches.ts"

/** How many records' decodes a process keeps (a few batches of every partition its groups read). */
export const DECODES_KEPT = 4_096

/** How many of a value's first bytes identify it with its position: `{"event_id":"<uuid v7>"` and more. */
const HEAD_BYTES = 64

type Decoded = ReturnType<typeof decodeEnvelope>

interface Kept {
  readonly timestamp: number
  readonly length: number
  readonly head: Uint8Array
  readonly decoded: Decoded
}

const kept = new Map<string, Kept>()
let keptWith = new WeakMap<DeliveredMessage, Decoded>()
releasableCache(() => {
  kept.clear()
  keptWith = new WeakMap()
})

const sameHead = (head: Uint8Array, value: Uint8Array): boolean => {
  for (let i = 0; i < head.length; i++) if (head[i] !== value[i]) return false
  return true
}

/** `message`'s envelope, or why it is none: decoded by the first group to ask, shared with the rest. */
export const deliveredEnvelope = (message: DeliveredMessage): Decoded => {
  if (message.inProcess === true) {
    const known = keptWith.get(message)
    if (known !== undefined) return known
    const decoded = decodeEnvelope(message.value)
    keptWith.set(message, decoded)
    return decoded
  }
  const value = message.value
  const key = `${message.topic}\u0000${message.partition}\u0000${message.offset}`
  const found = kept.get(key)
  if (found !== undefined && found.timestamp === message.timestamp && found.length === value.length && sameHead(found.head, value)) return found.decoded
  const decoded = decodeEnvelope(value)
  if (found === undefined && kept.size >= DECODES_KEPT) kept.delete(kept.keys().next().value!)
  // A copy: a Buffer's `slice` is a view, and would keep the fetch response alive after all.
  kept.set(key, { timestamp: message.timestamp, length: value.length, head: new Uint8Array(value.subarray(0, HEAD_BYTES)), decoded })
  return decoded
}
