/**
 * A stream of the embedded store: its entries as JSON texts, oldest first, held back to back in one
 * byte buffer per stream (UTF-8, each long entry deflated on its own as the store's values are).
 * Nothing on a request path reads a stream (a cart's events are an audit trail), so only the rare
 * reader pays to unpack and parse; an append packs one entry and never touches the others (packing the
 * whole stream as one text, as this store once did, compressed better but unpacked and packed it all
 * again every few appends, the dearest thing an add did). One buffer rather than an object per entry:
 * a ten-line cart's stream took about 5.9 KB of heap as ten small buffers, about 4.4 KB so. A capped
 * stream drops its oldest entries once it is `TRIM_SLACK` over its cap, so a trim moves the bytes once
 * per that many appends (Redis trims lazily too).
 */
import { PACK_FROM_LENGTH } from "./packed-text.ts"

type Fields = Readonly<Record<string, string>>

/** How far past its cap a capped stream grows before it is trimmed back to the cap. */
export const TRIM_SLACK = 16

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder()

export class MemoryStream {
  private bytes = new Uint8Array(0)
  private used = 0
  /** Per entry: where it ends in `bytes`, times two, plus one when it is deflated. */
  private readonly ends: Array<number> = []

  constructor(public expiresAt: number | undefined) {}

  /** How many entries the stream holds. */
  get length(): number {
    return this.ends.length
  }

  /** The bytes its entries take (packed), without the buffer's spare room. */
  get byteLength(): number {
    return this.used
  }

  append(fields: Fields, maxLength: number | undefined): void {
    const text = JSON.stringify(fields)
    const deflated = text.length >= PACK_FROM_LENGTH
    const entry = deflated ? Bun.deflateSync(utf8.encode(text), { level: 1 }) : utf8.encode(text)
    const needed = this.used + entry.byteLength
    if (needed > this.bytes.byteLength) {
      const grown = new Uint8Array(Math.max(needed, Math.ceil(this.bytes.byteLength * 1.5)))
      grown.set(this.bytes.subarray(0, this.used))
      this.bytes = grown
    }
    this.bytes.set(entry, this.used)
    this.used = needed
    this.ends.push(needed * 2 + (deflated ? 1 : 0))
    if (maxLength !== undefined && this.ends.length > maxLength + TRIM_SLACK) this.dropOldest(this.ends.length - maxLength)
  }

  entries(): ReadonlyArray<Fields> {
    const entries: Array<Fields> = []
    let start = 0
    for (const mark of this.ends) {
      const end = mark >>> 1
      const bytes = this.bytes.subarray(start, end)
      entries.push(JSON.parse(fromUtf8.decode(mark & 1 ? Bun.inflateSync(bytes) : bytes)) as Fields)
      start = end
    }
    return entries
  }

  private dropOldest(count: number): void {
    const from = this.ends[count - 1]! >>> 1
    this.bytes.copyWithin(0, from, this.used)
    this.used -= from
    this.ends.splice(0, count)
    for (let index = 0; index < this.ends.length; index++) this.ends[index] = this.ends[index]! - from * 2
  }
}
