/**
 * A stream of the embedded store, held compactly: entries are appended to a short tail of JSON texts
 * and every few appends folded into one packed JSON array of all of them. One packed array compresses
 * far better than its entries one by one (a cart's events repeat their field names, ids and session),
 * and folding every `FOLD_EVERY` appends keeps the work of an append small. A capped stream is trimmed
 * to its cap when folded, so it may hold a few entries more in between (Redis trims lazily too).
 */
import { pack, type Packed, unpack } from "./packed-text.ts"

type Fields = Readonly<Record<string, string>>

/** How many appends wait in the tail before they are folded into the packed part. */
export const FOLD_EVERY = 4

export class PackedStream {
  private packed: Packed | undefined = undefined
  /** How many entries the packed part holds. */
  private packedCount = 0
  private tail: Array<string> = []

  constructor(public expiresAt: number | undefined) {}

  append(fields: Fields, maxLength: number | undefined): void {
    this.tail.push(JSON.stringify(fields))
    if (this.tail.length >= FOLD_EVERY) this.fold(maxLength)
  }

  entries(): ReadonlyArray<Fields> {
    const older = this.packed === undefined ? [] : (JSON.parse(unpack(this.packed)) as Array<Fields>)
    return [...older, ...this.tail.map((text) => JSON.parse(text) as Fields)]
  }

  private fold(maxLength: number | undefined): void {
    const inner = this.packed === undefined ? "" : unpack(this.packed).slice(1, -1)
    let all = `[${(inner === "" ? this.tail : [inner, ...this.tail]).join(",")}]`
    let count = this.packedCount + this.tail.length
    if (maxLength !== undefined && count > maxLength) {
      all = JSON.stringify((JSON.parse(all) as Array<Fields>).slice(count - maxLength))
      count = maxLength
    }
    this.packed = pack(all)
    this.packedCount = count
    this.tail = []
  }
}
