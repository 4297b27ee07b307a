/**
 * `bun run bench:memory`: does the embedded shop give memory back? Starts the whole shop (`apps/shop`,
 * every context in one process, embedded) as a second process with a short SESSION_TTL_SECONDS,
 * drives BENCH_SESSIONS sessions (default 20,000) of BENCH_LINES adds each (default 10: ten-line
 * carts, 200,000 adds) over HTTP from BENCH_CONCURRENCY shoppers at once, and reports the shop's
 * resident memory (VmRSS from /proc/<pid>/status): idle before, at its peak during the load, right
 * after it, once it has settled with every cart still live, and once every cart has expired and been
 * swept. Asserts nothing; prints a table.
 */
import { startApp } from "@kasa/test-support/process"
import { rssMb } from "./bench-proc.ts"
import { devEnv } from "./dev-env.ts"

const root = new URL("..", import.meta.url).pathname
const sessions = Number(process.env.BENCH_SESSIONS ?? 20_000)
const lines = Number(process.env.BENCH_LINES ?? 10)
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32)
const ttlSeconds = Number(process.env.BENCH_SESSION_TTL_SECONDS ?? 300)

// Plain products (type "offer"): no warranties (they need a parent line) and no accessories.
const { products } = (await Bun.file(`${root}contexts/catalog/data/products.json`).json()) as { products: Array<{ offer_id: string; category: string }> }
const offers = products.filter((p) => p.category !== "warranty" && p.category !== "accessory").map((p) => p.offer_id)
if (offers.length < lines) throw new Error(`the catalog has ${offers.length} plain products; BENCH_LINES=${lines} needs as many`)

// Started as `npm run dev` starts it.
const env = await devEnv(root)
const app = await startApp(`${root}apps/shop/src/main.ts`, { SESSION_TTL_SECONDS: String(ttlSeconds), ...env }, 60_000)
console.log(`started with ${JSON.stringify(env)}`)
const pid = app.process.pid
const rows: Array<{ phase: string; rss_mb: number; note: string }> = []
const record = (phase: string, note = "") => {
  const rss = rssMb(pid)
  rows.push({ phase, rss_mb: rss, note })
  console.log(`${phase}: ${rss} MB ${note}`)
  return rss
}

/** Waits until the RSS has stopped falling for `quietMs` (or `maxMs` passed). */
const settle = async (quietMs: number, maxMs: number) => {
  const deadline = Date.now() + maxMs
  let low = rssMb(pid)
  let since = Date.now()
  while (Date.now() < deadline && Date.now() - since < quietMs) {
    await Bun.sleep(1_000)
    const now = rssMb(pid)
    if (now < low - 1) {
      low = now
      since = Date.now()
    }
  }
}

try {
  await settle(3_000, 15_000)
  const idle = record("idle, before the load")

  let peak = idle
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 500)
  let next = 0
  let failures = 0
  let lastStatus = 0
  const started = performance.now()
  const shopper = async () => {
    for (let index = next++; index < sessions; index = next++) {
      let session: string | undefined
      for (let line = 0; line < lines; line++) {
        const response = await fetch(`${app.url}/cart/items`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(session === undefined ? {} : { "x-session-id": session }) },
          body: JSON.stringify({ offer_id: offers[(index + line) % offers.length], quantity: 1, type: "offer" })
        })
        await response.arrayBuffer()
        session ??= response.headers.get("x-session-id") ?? undefined
        if (response.status !== 201) {
          failures++
          lastStatus = response.status
        }
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, shopper))
  const seconds = (performance.now() - started) / 1000
  clearInterval(sampler)
  const adds = sessions * lines
  rows.push({ phase: "peak during the load", rss_mb: peak, note: "" })
  record(
    "after the load",
    `(${adds} adds over ${sessions} sessions in ${seconds.toFixed(0)} s, ${(adds / seconds).toFixed(0)} adds/s, ${failures} not 201${failures > 0 ? `, last ${lastStatus}` : ""})`
  )

  // What it holds with every cart still live, once the load's garbage is collected (the store collects once it has been quiet).
  await settle(5_000, 30_000)
  record("after the load, settled", "(every cart still live)")

  // Every cart was last written by the end of the load: after the TTL and a sweep or two, all are gone.
  const expiredAt = Date.now() + ttlSeconds * 1000 + 5_000
  console.log(`waiting ${Math.round((expiredAt - Date.now()) / 1000)} s for the sessions to expire`)
  while (Date.now() < expiredAt) await Bun.sleep(1_000)
  await settle(10_000, 60_000)
  const after = record("after expiry")
  console.log()
  console.table(rows)
  console.log(`after expiry / idle = ${(after / idle).toFixed(2)} (SESSION_TTL_SECONDS=${ttlSeconds}, ${concurrency} shoppers at once)`)
} finally {
  app.process.kill("SIGTERM")
  await app.process.exited
}
