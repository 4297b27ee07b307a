/**
 * A stream of the embedded store: one record of an ArenaTable holding its entries back to back, each
 * a 4-byte header (its length times two, plus one when deflated) and its JSON text as UTF-8, a long
 * entry deflated on its own as the store's values are; the record's mark counts the entries.
 * Nothing on a request path reads a stream (a cart's events are an audit trail), so only the rare
 * reader pays to unpack and parse; an append packs one entry and never touches the others (packing the
 * whole stream as one text, as this store once did, compressed better but unpacked and packed it all
 * again every few appends, the dearest thing an add did). A capped stream drops its oldest entries
 * once it is `TRIM_SLACK` over its cap, so a trim moves the bytes once per that many appends (Redis
 * trims lazily too).
 */
import type { ArenaTable } from "./arena-table.ts"
import { deflates, pack, unpack } from "./packed-text.ts"

type Fields = Readonly<Record<string, string>>

/** How far past its cap a capped stream grows before it is trimmed back to the cap. */
export const TRIM_SLACK = 16

const HEADER = 4

const headerAt = (bytes: Uint8Array, at: number): number => bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! * 16_777_216)

/** Appends an entry to the stream at `key` (made if absent); returns its record. */
export const appendEntry = (table: ArenaTable, key: string, fields: Fields, maxLength: number | undefined): number => {
  const text = JSON.stringify(fields)
  const deflated = deflates(text)
  const entry = pack(text)
  const existing = table.find(key)
  const used = existing === -1 ? 0 : table.lengthOf(existing)
  const record = table.reserve(key, used + HEADER + entry.byteLength, true)
  const bytes = table.slab(record)
  const at = table.payloadStart(record) + used
  const header = entry.byteLength * 2 + (deflated ? 1 : 0)
  bytes[at] = header & 0xff
  bytes[at + 1] = (header >>> 8) & 0xff
  bytes[at + 2] = (header >>> 16) & 0xff
  bytes[at + 3] = (header >>> 24) & 0xff
  bytes.set(entry, at + HEADER)
  table.setLength(record, used + HEADER + entry.byteLength)
  const count = table.mark(record) + 1
  table.setMark(record, count)
  if (maxLength !== undefined && count > maxLength + TRIM_SLACK) dropOldest(table, record, count - maxLength)
  return record
}

/** The entries of the stream in `record`, oldest first. */
export const streamEntries = (table: ArenaTable, record: number): Array<Fields> => {
  const entries: Array<Fields> = []
  const bytes = table.slab(record)
  const start = table.payloadStart(record)
  const end = start + table.lengthOf(record)
  for (let at = start; at < end; ) {
    const header = headerAt(bytes, at)
    const length = Math.floor(header / 2)
    const entry = bytes.subarray(at + HEADER, at + HEADER + length)
    entries.push(JSON.parse(unpack(entry, header % 2 === 1)) as Fields)
    at += HEADER + length
  }
  return entries
}

const dropOldest = (table: ArenaTable, record: number, drop: number): void => {
  const bytes = table.slab(record)
  const start = table.payloadStart(record)
  const used = table.lengthOf(record)
  let cut = start
  for (let dropped = 0; dropped < drop; dropped++) cut += HEADER + Math.floor(headerAt(bytes, cut) / 2)
  bytes.copyWithin(start, cut, start + used)
  table.setLength(record, used - (cut - start))
  table.setMark(record, table.mark(record) - drop)
}
