/**
 * Fetch responses into port messages: record batches of one partition become `DeliveredMessage`s in
 * offset order, skipping control records and whatever precedes the offset that was asked for (a
 * batch may start earlier). Values stay the client's buffers (a Buffer is a Uint8Array): no copies.
 */
import { IS_CONTROL, type RecordsBatch } from "@platformatic/kafka"
import type { DeliveredMessage } from "@kasa/shared"

const noHeaders: Readonly<Record<string, string>> = Object.freeze({})
const empty = new Uint8Array(0)

/**
 * Appends the records at or after `from` to `out`; returns the offset to fetch next (past the last
 * batch, control batches included), or `from` when there was nothing.
 */
export const decodeBatches = (
  topic: string,
  partition: number,
  batches: ReadonlyArray<RecordsBatch>,
  from: bigint,
  out: Array<DeliveredMessage>
): bigint => {
  let next = from
  for (const batch of batches) {
    const end = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n
    if (end > next) next = end
    if ((batch.attributes & IS_CONTROL) !== 0) continue
    const first = Number(batch.firstOffset)
    const min = Number(from)
    for (const record of batch.records) {
      const offset = first + record.offsetDelta
      if (offset < min) continue
      let headers = noHeaders
      if (record.headers.length > 0) {
        const collected: Record<string, string> = {}
        for (const [name, value] of record.headers) if (name !== null) collected[name.toString()] = value === null ? "" : value.toString()
        headers = collected
      }
      out.push({
        topic,
        partition,
        offset,
        key: record.key === null ? "" : record.key.toString(),
        value: record.value ?? empty,
        headers,
        timestamp: Number(batch.firstTimestamp + record.timestampDelta)
      })
    }
  }
  return next
}
