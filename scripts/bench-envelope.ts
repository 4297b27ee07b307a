/**
 * `bun scripts/bench-envelope.ts` (`bun run bench:envelope`): decoding envelopes, which every consumed
 * message goes through (consumer runtime, DLQ tools, test probes). Compares the kernel's
 * `decodeEnvelope` (JSON.parse, then the Envelope Schema) with the `Schema.fromJsonString` way the
 * stores read their JSON (stored-json.ts), over the same encoded envelopes, alternating the order
 * each round. Options: BENCH_ENVELOPES (100000), BENCH_ROUNDS (8). It measures; it asserts nothing.
 */
import { Schema } from "effect"
import { decodeEnvelope, encodeEnvelope, Envelope, makeEnvelope } from "@kasa/shared"

const COUNT = Number(process.env.BENCH_ENVELOPES ?? 100_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8)

const messages = Array.from({ length: COUNT }, (_, i) =>
  encodeEnvelope(
    makeEnvelope({
      eventName: "cart.item_added",
      aggregateId: `sess_bench${String(i).padStart(12, "0")}`,
      correlationId: `corr_bench_${i}`,
      producer: "cart",
      payload: { session_id: `sess_bench${i}`, cart_version: i, item: { item_id: `item_${i}`, offer_id: "tv-55-oled", quantity: 1, unit_price: 349_900, currency: "PLN" } }
    })
  )
)

const text = new TextDecoder("utf-8", { fatal: true })
const fromJsonString = Schema.decodeUnknownResult(Schema.fromJsonString(Envelope))
const variants: ReadonlyArray<readonly [string, (bytes: Uint8Array) => boolean]> = [
  ["decodeEnvelope (JSON.parse, then decode)", (bytes) => decodeEnvelope(bytes).ok],
  ["Schema.fromJsonString(Envelope)", (bytes) => fromJsonString(text.decode(bytes))._tag === "Success"]
]

const timings = new Map<string, Array<number>>(variants.map(([name]) => [name, []]))
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, decode] of round % 2 === 0 ? variants : [...variants].reverse()) {
    const started = Bun.nanoseconds()
    let ok = 0
    for (const message of messages) if (decode(message)) ok++
    if (ok !== COUNT) throw new Error(`${name}: ${COUNT - ok} envelopes did not decode`)
    timings.get(name)!.push((Bun.nanoseconds() - started) / 1e6)
  }
}
const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
for (const [name, ms] of timings) {
  const mid = median(ms.slice(1)) // the first round warms the JIT up
  console.log(`${name}: median ${mid.toFixed(0)} ms for ${COUNT} envelopes (${((mid * 1000) / COUNT).toFixed(2)} µs each) over ${ms.length - 1} rounds`)
}
