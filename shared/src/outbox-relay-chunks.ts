/**
 * A relay batch split by encoded size (SPEC §5): the broker refuses a produce request over its size
 * limit (Kafka's default max.request.size and message.max.bytes are about 1 MB), and 500 envelopes of
 * carts with 50 lines are several megabytes. Chunks keep the outbox order; a message larger than the
 * limit on its own goes alone, so the broker's own answer decides its fate.
 */
import type { BusMessage } from "./event-bus.ts"

/** Default bytes per publish: safely under the broker's 1 MiB default. */
export const defaultMaxChunkBytes = 768 * 1024

/** Per-message framing a produce request adds beyond key, value and headers (record and batch headers). */
const recordOverhead = 64

/** UTF-8 length of a string without encoding it (each half of a surrogate pair is 2 of its 4 bytes). */
export const utf8Length = (text: string): number => {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdfff ? 2 : 3
  }
  return bytes
}

/** The bytes one message takes in a produce request, near enough to stay under a limit. */
export const messageBytes = (message: BusMessage): number => {
  let bytes = recordOverhead + message.value.byteLength + utf8Length(message.key)
  for (const name in message.headers) bytes += utf8Length(name) + utf8Length(message.headers[name]!)
  return bytes
}

/** Consecutive runs of `items` whose sizes add up to at most `maxBytes` (an oversized item alone). */
export const chunkBySize = <A>(items: ReadonlyArray<A>, sizeOf: (item: A) => number, maxBytes: number): ReadonlyArray<ReadonlyArray<A>> => {
  const chunks: Array<Array<A>> = []
  let current: Array<A> = []
  let bytes = 0
  for (const item of items) {
    const size = sizeOf(item)
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current)
      current = []
      bytes = 0
    }
    current.push(item)
    bytes += size
  }
  if (current.length > 0) chunks.push(current)
  return chunks
}
