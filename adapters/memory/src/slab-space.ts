/**
 * Where the embedded store keeps its bytes: slots carved out of 64 KB slabs, one size class per slab,
 * so that a value costs its bytes and nothing on the JavaScript heap. Held as JavaScript objects
 * (a `Uint8Array` and an entry object per value, a string per key), twenty thousand carts' few hundred
 * thousand long-lived cells end up scattered over the heap's 16 KB blocks among the garbage every
 * request makes, and each block a single one of them lives in stays: measured at 4,000 carts after a
 * full collection, the store's 39 MB of bytes kept 238 MB of resident memory as objects, 43 MB as
 * slabs (memory-census). A handle is a number (slab * 65,536 + slot), so whoever keeps it allocates
 * nothing either. A slot is freed into its slab; a slab whose slots are all free is let go as soon as
 * its class has another with room, so a store that empties gives its memory back. Records larger than
 * the largest class get a buffer of their own.
 */

/** The bytes of one slab. */
export const SLAB_BYTES = 65_536
const SLOTS_SHIFT = 65_536

/** Slot sizes: 16-byte steps to 128, then eight steps per doubling (a slot wastes at most an eighth), to 8 KB. */
export const SLOT_SIZES: ReadonlyArray<number> = (() => {
  const sizes: Array<number> = []
  for (let size = 16; size <= 128; size += 16) sizes.push(size)
  for (let base = 128; base < 8_192; base *= 2) for (let step = 1; step <= 8; step++) sizes.push(base + (base / 8) * step)
  return sizes
})()

/** The largest slot; a record beyond it gets its own buffer. */
export const LARGEST_SLOT = SLOT_SIZES[SLOT_SIZES.length - 1]!

/** The smallest class whose slots hold `size` bytes, or -1 when none does. */
export const classOf = (size: number): number => {
  if (size > LARGEST_SLOT) return -1
  let low = 0
  let high = SLOT_SIZES.length - 1
  while (low < high) {
    const middle = (low + high) >>> 1
    if (SLOT_SIZES[middle]! >= size) high = middle
    else low = middle + 1
  }
  return low
}

const OWN = -1

export class SlabSpace {
  private readonly buffers: Array<Uint8Array<ArrayBuffer> | undefined> = []
  /** Per slab: its class, or OWN for a record's own buffer. */
  private readonly slabClass: Array<number> = []
  /** Per slab: its free slots as a stack, and how many there are. */
  private readonly freeSlots: Array<Uint16Array | undefined> = []
  private readonly freeCount: Array<number> = []
  /** Per slab: where it is in its class's list of slabs with room, or -1. */
  private readonly roomAt: Array<number> = []
  /** Per class: the slabs with a free slot. */
  private readonly withRoom: Array<Array<number>> = SLOT_SIZES.map(() => [])
  /** Slab numbers let go, to use again. */
  private readonly unused: Array<number> = []
  private held = 0

  /** The bytes of every slab and own buffer held. */
  get byteLength(): number {
    return this.held
  }

  /** How many slabs and own buffers are held. */
  get slabCount(): number {
    return this.buffers.length - this.unused.length
  }

  /** A slot of at least `size` bytes (its contents are whatever was there). */
  alloc(size: number): number {
    const klass = classOf(size)
    if (klass === OWN) {
      const slab = this.newSlab(OWN, new Uint8Array(size))
      return slab * SLOTS_SHIFT
    }
    const room = this.withRoom[klass]!
    let slab = room[room.length - 1]
    if (slab === undefined) {
      const slotSize = SLOT_SIZES[klass]!
      const slots = Math.floor(SLAB_BYTES / slotSize)
      slab = this.newSlab(klass, new Uint8Array(slots * slotSize))
      const free = new Uint16Array(slots)
      for (let slot = 0; slot < slots; slot++) free[slot] = slots - 1 - slot
      this.freeSlots[slab] = free
      this.freeCount[slab] = slots
      this.roomAt[slab] = room.length
      room.push(slab)
    }
    const count = this.freeCount[slab]! - 1
    this.freeCount[slab] = count
    const slot = this.freeSlots[slab]![count]!
    if (count === 0) this.leaveRoom(klass, slab)
    return slab * SLOTS_SHIFT + slot
  }

  free(handle: number): void {
    const slab = Math.floor(handle / SLOTS_SHIFT)
    const klass = this.slabClass[slab]!
    if (klass === OWN) {
      this.letGo(slab)
      return
    }
    const count = this.freeCount[slab]!
    this.freeSlots[slab]![count] = handle - slab * SLOTS_SHIFT
    this.freeCount[slab] = count + 1
    const room = this.withRoom[klass]!
    if (count === 0) {
      this.roomAt[slab] = room.length
      room.push(slab)
    }
    if (count + 1 === this.freeSlots[slab]!.length && room.length > 1) {
      this.leaveRoom(klass, slab)
      this.letGo(slab)
    }
  }

  /** The slab a handle's slot is in. */
  buffer(handle: number): Uint8Array<ArrayBuffer> {
    return this.buffers[Math.floor(handle / SLOTS_SHIFT)]!
  }

  /** Where a handle's slot starts in its slab. */
  offset(handle: number): number {
    const slab = Math.floor(handle / SLOTS_SHIFT)
    const klass = this.slabClass[slab]!
    return klass === OWN ? 0 : (handle - slab * SLOTS_SHIFT) * SLOT_SIZES[klass]!
  }

  /** How many bytes a handle's slot holds. */
  capacity(handle: number): number {
    const slab = Math.floor(handle / SLOTS_SHIFT)
    const klass = this.slabClass[slab]!
    return klass === OWN ? this.buffers[slab]!.byteLength : SLOT_SIZES[klass]!
  }

  private newSlab(klass: number, buffer: Uint8Array<ArrayBuffer>): number {
    const slab = this.unused.pop() ?? this.buffers.length
    this.buffers[slab] = buffer
    this.slabClass[slab] = klass
    this.roomAt[slab] = -1
    this.held += buffer.byteLength
    return slab
  }

  private leaveRoom(klass: number, slab: number): void {
    const room = this.withRoom[klass]!
    const at = this.roomAt[slab]!
    const last = room.pop()!
    if (last !== slab) {
      room[at] = last
      this.roomAt[last] = at
    }
    this.roomAt[slab] = -1
  }

  private letGo(slab: number): void {
    this.held -= this.buffers[slab]!.byteLength
    this.buffers[slab] = undefined
    this.freeSlots[slab] = undefined
    this.unused.push(slab)
  }
}
