/**
 * A stream of the embedded store: one record of an ArenaTable. Its payload starts with a base (the
 * stream's first entry, deflated: 4 bytes of length, then the bytes), then holds its entries back to
 * back, each a 4-byte header (its length times two, plus one when deflated) and its JSON text as UTF-8;
 * the record's mark counts the entries. A long entry is deflated with the base's text as its
 * dictionary: one stream's entries share most of their text with each other (the same session, field
 * names, event names), and an entry on its own deflates poorly (a cart's event, 780 characters, to
 * about 430 bytes; against the base, about 140). The base stays when its entry is trimmed away.
 * Nothing on a request path reads a stream (a cart's events are an audit trail), so only the rare
 * reader pays to unpack and parse; an append unpacks the base and packs one entry, never touching the
 * others (packing the whole stream as one text, as this store once did, compressed as well but
 * unpacked and packed it all again every few appends, the dearest thing an add did). A capped stream
 * drops its oldest entries once it is `TRIM_SLACK` over its cap, so a trim moves the bytes once per
 * that many appends (Redis trims lazily too).
 */
import { deflateRawSync, inflateRawSync } from "node:zlib"
import type { ArenaTable } from "./arena-table.ts"
import { PACK_FROM_LENGTH } from "./packed-text.ts"

type Fields = Readonly<Record<string, string>>

/** How far past its cap a capped stream grows before it is trimmed back to the cap. */
export const TRIM_SLACK = 16

const HEADER = 4

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder()

const headerAt = (bytes: Uint8Array, at: number): number => bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! * 16_777_216)

const writeHeader = (bytes: Uint8Array, at: number, header: number): void => {
  bytes[at] = header & 0xff
  bytes[at + 1] = (header >>> 8) & 0xff
  bytes[at + 2] = (header >>> 16) & 0xff
  bytes[at + 3] = (header >>> 24) & 0xff
}

/** Where the entries of `record` start (after its base), in its slab. */
const entriesStart = (table: ArenaTable, record: number): number => {
  const start = table.payloadStart(record)
  return start + HEADER + headerAt(table.slab(record), start)
}

/** The text of `record`'s base, as UTF-8: the dictionary its entries are deflated with. */
const dictionaryOf = (table: ArenaTable, record: number): Uint8Array => {
  const bytes = table.slab(record)
  const start = table.payloadStart(record)
  return Bun.inflateSync(bytes.subarray(start + HEADER, start + HEADER + headerAt(bytes, start)))
}

/** Appends an entry to the stream at `key` (made if absent); returns its record. */
export const appendEntry = (table: ArenaTable, key: string, fields: Fields, maxLength: number | undefined): number => {
  const text = utf8.encode(JSON.stringify(fields))
  const existing = table.find(key)
  const base = existing === -1 ? Bun.deflateSync(text, { level: 1 }) : undefined
  const deflated = text.byteLength >= PACK_FROM_LENGTH
  // The base is unpacked only for an entry that is deflated against it.
  const entry = deflated ? deflateRawSync(text, { dictionary: base === undefined ? dictionaryOf(table, existing) : text, level: 1 }) : text
  const used = existing === -1 ? HEADER + base!.byteLength : table.lengthOf(existing)
  const record = table.reserve(key, used + HEADER + entry.byteLength, true)
  const bytes = table.slab(record)
  if (base !== undefined) {
    writeHeader(bytes, table.payloadStart(record), base.byteLength)
    bytes.set(base, table.payloadStart(record) + HEADER)
  }
  const at = table.payloadStart(record) + used
  writeHeader(bytes, at, entry.byteLength * 2 + (deflated ? 1 : 0))
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
  const end = table.payloadStart(record) + table.lengthOf(record)
  let dictionary: Uint8Array | undefined
  for (let at = entriesStart(table, record); at < end; ) {
    const header = headerAt(bytes, at)
    const length = Math.floor(header / 2)
    const entry = bytes.subarray(at + HEADER, at + HEADER + length)
    if (header % 2 === 1) dictionary ??= dictionaryOf(table, record)
    entries.push(JSON.parse(fromUtf8.decode(header % 2 === 1 ? inflateRawSync(entry, { dictionary: dictionary! }) : entry)) as Fields)
    at += HEADER + length
  }
  return entries
}

const dropOldest = (table: ArenaTable, record: number, drop: number): void => {
  const bytes = table.slab(record)
  const start = entriesStart(table, record)
  const used = table.lengthOf(record) - (start - table.payloadStart(record))
  let cut = start
  for (let dropped = 0; dropped < drop; dropped++) cut += HEADER + Math.floor(headerAt(bytes, cut) / 2)
  bytes.copyWithin(start, cut, start + used)
  table.setLength(record, table.lengthOf(record) - (cut - start))
  table.setMark(record, table.mark(record) - drop)
}
