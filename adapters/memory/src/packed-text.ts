/**
 * How the embedded store holds text as bytes. What a context stores is mostly JSON of carts (a
 * ten-line cart's view is about 2,400 characters, kept by the cart and, as projections, by four more
 * contexts). Short text is held as UTF-8 as it is, long text deflated; whoever keeps the bytes keeps
 * their mark (how they were packed) beside them.
 *
 * Deflated on its own a cart's text packs to about a third: each value is mostly the same field names
 * and the same products that every other cart's values hold, and deflate finds none of that in one
 * value. So a packer learns a dictionary from the first long texts it packs (each kept if deflate
 * against what it has so far finds less than half of it, until `DICTIONARY_BYTES` or `LEARN_FROM`
 * texts), then packs every later text against it: a ten-line cart's projection, about 700 bytes
 * deflated alone, takes 250-360 against what the whole shop's packer learned (memory-census.ts).
 * Texts packed while it learns stay deflated alone and readable. Alone, Bun's own deflate (level 1,
 * about 7 µs a cart, 2.5 µs back) is used; with the dictionary node:zlib's, the one of the two that
 * takes a dictionary, which costs more per call (`DICTIONARY_BYTES` says how much).
 */
import { deflateRawSync, inflateRawSync } from "node:zlib"

/** Shorter text is not worth deflating. */
export const PACK_FROM_LENGTH = 200
/** The most a packer learns: deflate hashes the whole dictionary on every call (a cart packs in about 18 µs against 8 KB, 36 against 16, 55 against 32, 13 alone), and what a shop's values share fits in less. */
export const DICTIONARY_BYTES = 16 * 1024
/** How many long texts a packer looks at, at most, before it settles on what it has learned. */
export const LEARN_FROM = 2_000
/** A text is learned when deflating it against what is learned so far takes more than this share of deflating it alone. */
const NOVEL_SHARE = 0.5

/** A mark: the bytes are UTF-8 as it is. */
export const RAW = 0
/** A mark: the bytes are UTF-8, deflated on their own. */
export const DEFLATED = 1
/** A mark: the bytes are UTF-8, deflated against the packer's learned dictionary. */
export const AGAINST_DICTIONARY = 2

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder()

/** Whether `text` is held deflated. */
export const deflates = (text: string): boolean => text.length >= PACK_FROM_LENGTH

export class TextPacker {
  /** The mark of the bytes the last `pack` returned. */
  packedMark = RAW
  private learned = new Uint8Array(DICTIONARY_BYTES)
  private learnedLength = 0
  private looked = 0
  /** Set once learning is over (undefined while learning, or if nothing long was ever packed). */
  private dictionary: Uint8Array | undefined

  /** `learnFrom`: how many long texts to learn from at most (tests settle sooner). */
  constructor(private readonly learnFrom: number = LEARN_FROM) {}

  /** The bytes `text` is held as; `packedMark` says how. */
  pack(text: string): Uint8Array<ArrayBuffer> {
    const bytes = utf8.encode(text)
    if (!deflates(text)) {
      this.packedMark = RAW
      return bytes
    }
    if (this.dictionary !== undefined) {
      this.packedMark = AGAINST_DICTIONARY
      return deflateRawSync(bytes, { dictionary: this.dictionary, level: 1 })
    }
    const alone = Bun.deflateSync(bytes, { level: 1 })
    this.learn(bytes, alone.byteLength)
    this.packedMark = DEFLATED
    return alone
  }

  /** The text `bytes` hold, packed with `mark`. */
  unpack(bytes: Uint8Array<ArrayBuffer>, mark: number): string {
    if (mark === RAW) return fromUtf8.decode(bytes)
    if (mark === DEFLATED) return fromUtf8.decode(Bun.inflateSync(bytes))
    return fromUtf8.decode(inflateRawSync(bytes, { dictionary: this.dictionary }))
  }

  /** Whether the packer has settled on its dictionary (tests, tools). */
  get learnedAll(): boolean {
    return this.dictionary !== undefined
  }

  /** How many bytes of text the packer has learned so far (tools). */
  get dictionaryBytes(): number {
    return this.dictionary?.byteLength ?? this.learnedLength
  }

  /** Keeps `bytes` for the dictionary if what is learned so far finds less than half of it. */
  private learn(bytes: Uint8Array, aloneLength: number): void {
    this.looked++
    const room = DICTIONARY_BYTES - this.learnedLength
    const against =
      this.learnedLength === 0 ? aloneLength : deflateRawSync(bytes, { dictionary: this.learned.subarray(0, this.learnedLength), level: 1 }).byteLength
    if (against > NOVEL_SHARE * aloneLength) {
      const kept = bytes.byteLength <= room ? bytes : bytes.subarray(bytes.byteLength - room)
      this.learned.set(kept, this.learnedLength)
      this.learnedLength += kept.byteLength
    }
    if (this.learnedLength === DICTIONARY_BYTES || this.looked >= this.learnFrom) {
      this.dictionary = this.learned.slice(0, this.learnedLength)
      this.learned = new Uint8Array(0)
    }
  }
}
