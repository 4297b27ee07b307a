// Slots hold what they are given without overlapping, come back to be used again, and a slab whose
// slots are all free is let go once its class has another, so a space that empties gives its bytes back.
import { expect, test } from "bun:test"
import { classOf, LARGEST_SLOT, SLAB_BYTES, SLOT_SIZES, SlabSpace } from "@kasa/adapter-memory/slab-space"

const classCases: ReadonlyArray<readonly [number, number]> = [
  [0, 16],
  [1, 16],
  [16, 16],
  [17, 32],
  [128, 128],
  [129, 144],
  [1_000, 1_024],
  [1_025, 1_152],
  [8_192, 8_192]
]
for (const [size, slot] of classCases) test(`${size} bytes take a ${slot}-byte slot`, () => expect(SLOT_SIZES[classOf(size)]).toBe(slot))

test("a slot wastes at most an eighth of its size beyond 128 bytes, and records larger than the largest slot get their own buffer", () => {
  for (let size = 129; size <= LARGEST_SLOT; size += 37) expect(SLOT_SIZES[classOf(size)]! / size).toBeLessThanOrEqual(1.125)
  expect(classOf(LARGEST_SLOT + 1)).toBe(-1)
  const space = new SlabSpace()
  const own = space.alloc(100_000)
  expect(space.capacity(own)).toBe(100_000)
  expect(space.offset(own)).toBe(0)
  space.free(own)
  expect(space.byteLength).toBe(0)
})

test("slots of every size keep what is written to them while others come and go", () => {
  const space = new SlabSpace()
  const held = new Map<number, number>()
  let seed = 7
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648
  for (let round = 0; round < 20_000; round++) {
    if (held.size > 0 && random() < 0.45) {
      const [handle] = [...held.keys()].slice(Math.floor(random() * Math.min(held.size, 64)))
      const fill = held.get(handle!)!
      const bytes = space.buffer(handle!).subarray(space.offset(handle!), space.offset(handle!) + space.capacity(handle!))
      expect(bytes.every((byte) => byte === fill)).toBe(true)
      space.free(handle!)
      held.delete(handle!)
    } else {
      const size = Math.floor(random() * random() * 12_000) + 1
      const handle = space.alloc(size)
      expect(held.has(handle)).toBe(false)
      expect(space.capacity(handle)).toBeGreaterThanOrEqual(size)
      const fill = round % 251
      space.buffer(handle).fill(fill, space.offset(handle), space.offset(handle) + space.capacity(handle))
      held.set(handle, fill)
    }
  }
  for (const [handle, fill] of held) {
    expect(space.buffer(handle).subarray(space.offset(handle), space.offset(handle) + space.capacity(handle)).every((byte) => byte === fill)).toBe(true)
    space.free(handle)
  }
  // Emptied: at most one slab per class is kept for the next allocation.
  expect(space.slabCount).toBeLessThanOrEqual(SLOT_SIZES.length)
  expect(space.byteLength).toBeLessThanOrEqual(SLOT_SIZES.length * SLAB_BYTES)
})

test("freed slots are used again before a new slab is taken, and an emptied slab goes once another of its class has room", () => {
  const space = new SlabSpace()
  const perSlab = SLAB_BYTES / 64
  const first = Array.from({ length: perSlab }, () => space.alloc(64))
  expect(space.slabCount).toBe(1)
  const second = space.alloc(64)
  expect(space.slabCount).toBe(2)
  space.free(first[3]!)
  expect(space.alloc(50)).toBe(first[3]!)
  for (const handle of first) space.free(handle)
  expect(space.slabCount).toBe(1)
  space.free(second)
  expect(space.slabCount).toBe(1)
})
