/**
 * `bun scripts/memory-census.ts`: what an embedded shop holds per cart, by kind. Mounts the whole shop
 * in this process (its state and broker in hand), drives CENSUS_SESSIONS sessions of CENSUS_LINES adds
 * through its HTTP routes, waits until every consumer has caught up, then counts keys and bytes in the
 * store by key prefix, stream entries, processed markers, outbox and broker logs (the bytes of their
 * text, as JavaScript holds it), and the JS heap. CENSUS_SNAPSHOT=<file> also writes a heap snapshot.
 * The bench:memory figures say how much; this says what it is.
 */
import { heapStats } from "bun:jsc"
import { createApp } from "@kasa/app-platform"
import { MemoryBroker } from "@kasa/adapter-memory"
import { embeddedState } from "../apps/platform/src/infra-layer.ts"
import { shopModules } from "../apps/shop/src/modules.ts"

const root = new URL("..", import.meta.url).pathname
const sessions = Number(process.env.CENSUS_SESSIONS ?? 2_000)
const lines = Number(process.env.CENSUS_LINES ?? 10)
const concurrency = Number(process.env.CENSUS_CONCURRENCY ?? 32)

const { products } = (await Bun.file(`${root}contexts/catalog/data/products.json`).json()) as { products: Array<{ offer_id: string; category: string }> }
const offers = products.filter((p) => p.category !== "warranty" && p.category !== "accessory").map((p) => p.offer_id)

const broker = new MemoryBroker({ trim: true })
const state = embeddedState(broker)
const app = await createApp({ name: "shop", modules: shopModules, broker, state, log: () => {}, env: { ...process.env, SESSION_TTL_SECONDS: "3600" } })

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
const rss = () => mb(process.memoryUsage.rss())
Bun.gc(true)
console.log(`idle: rss ${rss()} MB, heap ${mb(heapStats().heapSize)} MB`)

let next = 0
const shopper = async () => {
  for (let index = next++; index < sessions; index = next++) {
    let session: string | undefined
    for (let line = 0; line < lines; line++) {
      const response = await app.http.request("/cart/items", {
        method: "POST",
        headers: { "content-type": "application/json", ...(session === undefined ? {} : { "x-session-id": session }) },
        body: JSON.stringify({ offer_id: offers[(index + line) % offers.length], quantity: 1, type: "offer" })
      })
      await response.arrayBuffer()
      session ??= response.headers.get("x-session-id") ?? undefined
      if (response.status !== 201) throw new Error(`add answered ${response.status}`)
    }
  }
}
const started = performance.now()
await Promise.all(Array.from({ length: concurrency }, shopper))
console.log(`${sessions * lines} adds in ${((performance.now() - started) / 1000).toFixed(1)} s`)

/** Every group has committed everything on every topic it reads, and the outbox is empty. */
const caughtUp = () =>
  state.outbox.length === 0 &&
  [...broker.groups.values()].every((group) =>
    [...group.committed].every(([key, offset]) => {
      const [topic, partition] = [key.slice(0, key.lastIndexOf(":")), Number(key.slice(key.lastIndexOf(":") + 1))]
      return offset >= (broker.topics.get(topic)?.[partition]?.end ?? 0)
    })
  )
const deadline = Date.now() + 120_000
while (!caughtUp() && Date.now() < deadline) await Bun.sleep(200)
// Counted anyway, but said: a backlog left is part of what is held, not what a cart costs.
if (!caughtUp()) console.log(`not caught up after 120 s: ${state.outbox.length} events in the outbox, ${broker.unread()} unread on the broker`)

/** A key without its last part (the session, cart or product it is about). */
const kindOf = (key: string) => (key.includes(":") ? `${key.slice(0, key.lastIndexOf(":"))}:*` : key)
/** Bytes of text as JavaScript holds it: one a character, two if any is beyond Latin-1; bytes as they are. */
const sizeOf = (value: string | Uint8Array): number => (typeof value === "string" ? value.length * (/[^\u0000-\u00ff]/.test(value) ? 2 : 1) : value.byteLength)
const table = new Map<string, { count: number; bytes: number; entries: number }>()
const add = (kind: string, bytes: number, entries = 1) => {
  const row = table.get(kind) ?? { count: 0, bytes: 0, entries: 0 }
  row.count++
  row.bytes += bytes
  row.entries += entries
  table.set(kind, row)
}
// Bytes only: keys as JavaScript holds them, values and streams as the store packs them in its slabs (slot rounding left out).
for (const key of state.values.keys()) add(`value ${kindOf(key)}`, sizeOf(key) + state.values.lengthOf(state.values.find(key)))
for (const key of state.streams.keys()) {
  const record = state.streams.find(key)
  add(`stream ${kindOf(key)}`, sizeOf(key) + state.streams.lengthOf(record), state.streams.mark(record))
}
for (const [key] of state.processed) add(`marker ${key.slice(0, key.indexOf("\u0000"))}`, sizeOf(key) + 8)
for (const entry of state.outbox) add(`outbox ${entry.event.topic}`, sizeOf(JSON.stringify(entry.event)))
for (const [topic, partitions] of broker.topics)
  for (const partition of partitions) for (const message of partition.log) add(`broker ${topic}`, message.value.byteLength + sizeOf(message.key))

const rows = [...table]
  .filter(([, row]) => row.count >= sessions / 100)
  .sort((a, b) => b[1].bytes - a[1].bytes)
  .map(([kind, row]) => ({ kind, count: row.count, entries: row.entries, MB: Number(mb(row.bytes)), bytes_per_cart: Math.round(row.bytes / sessions) }))
console.table(rows)
const total = rows.reduce((sum, row) => sum + row.bytes_per_cart, 0)
Bun.gc(true)
const heap = heapStats()
console.log(`counted ${total} bytes of text per cart; rss ${rss()} MB, heap ${mb(heap.heapSize)} MB (${heap.objectCount} objects), slabs ${mb(state.space.byteLength)} MB, values' dictionary ${state.packer.dictionaryBytes} bytes${state.packer.learnedAll ? "" : " (still learning)"}`)
await app.stop()
if (process.env.CENSUS_SNAPSHOT !== undefined) await Bun.write(process.env.CENSUS_SNAPSHOT, Bun.generateHeapSnapshot("v8"))
