/**
 * A stream of the embedded store: its entries as JSON texts, each packed as the store's values are,
 * oldest first. Nothing on a request path reads a stream (a cart's events are an audit trail), so
 * only the rare reader pays to unpack and parse; an append packs one entry and never touches the
 * others (packing the whole stream as one text, as this store once did, compressed better but
 * unpacked and packed it all again every few appends, the dearest thing an add did). A capped
 * stream drops its oldest entries once it is `TRIM_SLACK` over its cap, so a trim shifts the array
 * once per that many appends (Redis trims lazily too).
 */
import { pack, type Packed, unpack } from "./packed-text.ts"

type Fields = Readonly<Record<string, string>>

/** How far past its cap a capped stream grows before it is trimmed back to the cap. */
export const TRIM_SLACK = 16

export class MemoryStream {
  private readonly texts: Array<Packed> = []

  constructor(public expiresAt: number | undefined) {}

  append(fields: Fields, maxLength: number | undefined): void {
    this.texts.push(pack(JSON.stringify(fields)))
    if (maxLength !== undefined && this.texts.length > maxLength + TRIM_SLACK) this.texts.splice(0, this.texts.length - maxLength)
  }

  entries(): ReadonlyArray<Fields> {
    return this.texts.map((text) => JSON.parse(unpack(text)) as Fields)
  }
}
