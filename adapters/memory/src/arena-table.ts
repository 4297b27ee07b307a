/**
 * Keys to records in a SlabSpace, with no JavaScript object or string kept per key: the embedded
 * store's values and streams, by the hundred thousand, as bytes (slab-space.ts says why). A record is
 * the key's UTF-8 followed by its payload, in one slot; what is known about it (its slot, key and
 * payload lengths, expiry, a small number the owner uses, the key's hash) sits in typed-array columns
 * indexed by record number. Keys are found by a 32-bit hash, in a Map of numbers to the first record
 * with that hash; records sharing a hash are chained, and a key is only ever matched on its bytes.
 */
import { SlabSpace } from "./slab-space.ts"

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder()

const NONE = -1
/** Payload room given on top of what a growing record needs, so appends move it only now and then. */
const GROWTH = 1.5

export type KeyHash = (key: string) => number

const xxHash32: KeyHash = (key) => Bun.hash.xxHash32(key) | 0

export class ArenaTable {
  private readonly heads = new Map<number, number>()
  private slotOf = new Float64Array(1_024)
  private keyLength = new Int32Array(1_024)
  private payloadLength = new Int32Array(1_024)
  private expiry = new Float64Array(1_024)
  private marks = new Float64Array(1_024)
  private hashOf = new Int32Array(1_024)
  private nextOf = new Int32Array(1_024)
  private readonly freeRecords: Array<number> = []
  private highWater = 0
  private count = 0
  private scratch = new Uint8Array(256)
  private scratchLength = 0
  /** The key last looked up, whose hash is `lastHash` and whose UTF-8 is in `scratch` (a commit finds a key several times in a row). */
  private lastKey: string | undefined = undefined
  private lastHash = 0

  constructor(
    readonly space: SlabSpace = new SlabSpace(),
    private readonly hash: KeyHash = xxHash32
  ) {}

  /** How many keys the table holds. */
  get size(): number {
    return this.count
  }

  /** One past the highest record number in use: records are numbered below it (some may be free). */
  get extent(): number {
    return this.highWater
  }

  /** The record of `key`, or -1. */
  find(key: string): number {
    let record = this.heads.get(this.hashKey(key))
    if (record === undefined) return NONE
    for (; record !== NONE; record = this.nextOf[record]!) if (this.keyIs(record)) return record
    return NONE
  }

  has(key: string): boolean {
    return this.find(key) !== NONE
  }

  /** Whether record number `record` holds a key. */
  isLive(record: number): boolean {
    return record < this.highWater && this.slotOf[record]! >= 0
  }

  /**
   * The record of `key` with room for `payloadBytes` of payload, made if absent; an existing one keeps
   * its payload (up to its length) when it moves to a larger slot. Its expiry and mark are left as they
   * were (new: no expiry, mark 0).
   */
  reserve(key: string, payloadBytes: number, growing = false): number {
    let record = this.find(key)
    if (record === NONE) {
      record = this.insert(key)
      this.place(record, payloadBytes, growing)
      return record
    }
    const keyBytes = this.keyLength[record]!
    const capacity = this.space.capacity(this.slotOf[record]!) - keyBytes
    // A value much smaller than its slot moves too, so a slot never holds four times what it needs.
    if (payloadBytes > capacity || (!growing && payloadBytes * 4 < capacity && capacity > 64)) {
      const old = this.slotOf[record]!
      const kept = Math.min(this.payloadLength[record]!, payloadBytes)
      this.place(record, payloadBytes, growing)
      this.space.buffer(this.slotOf[record]!).set(this.space.buffer(old).subarray(this.space.offset(old), this.space.offset(old) + keyBytes + kept), this.space.offset(this.slotOf[record]!))
      this.space.free(old)
    }
    return record
  }

  /** Sets `key`'s payload to `bytes` (making the record if absent); returns the record. */
  write(key: string, bytes: Uint8Array): number {
    const record = this.reserve(key, bytes.byteLength)
    this.space.buffer(this.slotOf[record]!).set(bytes, this.payloadStart(record))
    this.payloadLength[record] = bytes.byteLength
    return record
  }

  /** The slab `record`'s payload is in; it starts at `payloadStart(record)` and is `payloadLength` long. */
  slab(record: number): Uint8Array<ArrayBuffer> {
    return this.space.buffer(this.slotOf[record]!)
  }

  payloadStart(record: number): number {
    return this.space.offset(this.slotOf[record]!) + this.keyLength[record]!
  }

  lengthOf(record: number): number {
    return this.payloadLength[record]!
  }

  setLength(record: number, length: number): void {
    this.payloadLength[record] = length
  }

  /** A view of the payload (valid until the record is next written). */
  payload(record: number): Uint8Array<ArrayBuffer> {
    const start = this.payloadStart(record)
    return this.slab(record).subarray(start, start + this.payloadLength[record]!)
  }

  /** When the record expires (milliseconds since the epoch), or undefined. */
  expiresAt(record: number): number | undefined {
    const at = this.expiry[record]!
    return at === Number.POSITIVE_INFINITY ? undefined : at
  }

  setExpiresAt(record: number, at: number | undefined): void {
    this.expiry[record] = at ?? Number.POSITIVE_INFINITY
  }

  /** A number the owner keeps with the record (a stream's entry count, whether a value is deflated). */
  mark(record: number): number {
    return this.marks[record]!
  }

  setMark(record: number, mark: number): void {
    this.marks[record] = mark
  }

  keyOf(record: number): string {
    const start = this.space.offset(this.slotOf[record]!)
    return fromUtf8.decode(this.slab(record).subarray(start, start + this.keyLength[record]!))
  }

  /** Removes `key`; returns whether it was there. */
  delete(key: string): boolean {
    const record = this.find(key)
    if (record === NONE) return false
    this.remove(record)
    return true
  }

  remove(record: number): void {
    const hash = this.hashOf[record]!
    const head = this.heads.get(hash)!
    if (head === record) {
      const next = this.nextOf[record]!
      if (next === NONE) this.heads.delete(hash)
      else this.heads.set(hash, next)
    } else {
      let before = head
      while (this.nextOf[before] !== record) before = this.nextOf[before]!
      this.nextOf[before] = this.nextOf[record]!
    }
    this.space.free(this.slotOf[record]!)
    this.slotOf[record] = NONE
    this.freeRecords.push(record)
    this.count--
  }

  clear(): void {
    for (let record = 0; record < this.highWater; record++) if (this.isLive(record)) this.remove(record)
  }

  /** The keys (those starting with `prefix`, when given), in no particular order. */
  *keys(prefix = ""): IterableIterator<string> {
    const wanted = utf8.encode(prefix)
    for (let record = 0; record < this.highWater; record++) {
      if (!this.isLive(record) || this.keyLength[record]! < wanted.byteLength) continue
      const bytes = this.slab(record)
      const start = this.space.offset(this.slotOf[record]!)
      let matches = true
      for (let index = 0; index < wanted.byteLength && matches; index++) matches = bytes[start + index] === wanted[index]
      if (matches) yield this.keyOf(record)
    }
  }

  private insert(key: string): number {
    if (this.freeRecords.length === 0 && this.highWater === this.slotOf.length) this.growColumns()
    const record = this.freeRecords.pop() ?? this.highWater++
    const hash = this.hashKey(key)
    this.hashOf[record] = hash
    this.nextOf[record] = this.heads.get(hash) ?? NONE
    this.heads.set(hash, record)
    this.keyLength[record] = this.scratchLength
    this.payloadLength[record] = 0
    this.expiry[record] = Number.POSITIVE_INFINITY
    this.marks[record] = 0
    this.slotOf[record] = NONE
    this.count++
    return record
  }

  /** Gives `record` a fresh slot for its key and `payloadBytes`, with the key written (the payload is not). */
  private place(record: number, payloadBytes: number, growing: boolean): void {
    const keyBytes = this.keyLength[record]!
    const slot = this.space.alloc(keyBytes + (growing ? Math.ceil(payloadBytes * GROWTH) : payloadBytes))
    const fresh = this.slotOf[record]! < 0
    this.slotOf[record] = slot
    if (fresh) this.space.buffer(slot).set(this.scratch.subarray(0, keyBytes), this.space.offset(slot))
  }

  /** `key`'s hash, with its UTF-8 left in `scratch`; both kept for the next lookup of the same key. */
  private hashKey(key: string): number {
    if (key === this.lastKey) return this.lastHash
    if (this.scratch.byteLength < key.length * 3) this.scratch = new Uint8Array(key.length * 3)
    this.scratchLength = utf8.encodeInto(key, this.scratch).written
    this.lastHash = this.hash(key) | 0
    this.lastKey = key
    return this.lastHash
  }

  private keyIs(record: number): boolean {
    const length = this.scratchLength
    if (this.keyLength[record] !== length) return false
    const bytes = this.slab(record)
    const start = this.space.offset(this.slotOf[record]!)
    for (let index = 0; index < length; index++) if (bytes[start + index] !== this.scratch[index]) return false
    return true
  }

  private growColumns(): void {
    const size = this.slotOf.length * 2
    const grow = <T extends Float64Array | Int32Array>(from: T, make: (n: number) => T): T => {
      const to = make(size)
      to.set(from)
      return to
    }
    this.slotOf = grow(this.slotOf, (n) => new Float64Array(n))
    this.keyLength = grow(this.keyLength, (n) => new Int32Array(n))
    this.payloadLength = grow(this.payloadLength, (n) => new Int32Array(n))
    this.expiry = grow(this.expiry, (n) => new Float64Array(n))
    this.marks = grow(this.marks, (n) => new Float64Array(n))
    this.hashOf = grow(this.hashOf, (n) => new Int32Array(n))
    this.nextOf = grow(this.nextOf, (n) => new Int32Array(n))
  }
}
