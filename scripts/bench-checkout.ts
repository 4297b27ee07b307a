/**
 * `npm run bench:checkout`: whole purchases measured from a second process, in one run. N concurrent
 * shoppers (BENCH_LEVELS, default 1,50,1000) each do the README's walkthrough (test/shopper.ts: two items
 * and a service, shipping method, address and date, card, customer data, consents, finalize, Pay on the
 * sandbox page, wait until the summary says `completed`) against the one-process shop, embedded and
 * distributed (this run's Kafka and Redis, its records in a PostgreSQL database of its own). Per level it
 * reports checkouts/s, p50/p99 per checkout, failures, the shop's RSS idle, at the end of the level and
 * after it settles, and what one checkout costs: CPU ms of the shop's process (utime + stime from
 * /proc), events published (the shop's `kasa_events_published_total`), Redis commands (INFO stats, the
 * whole server) and SQL transactions committed (pg_stat_database of the run's database). The catalog
 * is a copy of the shipped one with stock enough for every level. Asserts nothing; prints a table.
 */
import { tmpdir } from "node:os"
import { createClient } from "redis"
import { startOrFindKafka } from "../adapters/kafka/src/testing/broker.ts"
import { skipGroupsToEnd } from "../adapters/kafka/src/testing/group-offsets.ts"
import { createTestDatabase, findPostgres } from "../adapters/postgres/src/testing/postgres-server.ts"
import { startOrFindRedis } from "../adapters/redis/src/testing/redis-server.ts"
import { ConsumerGroups } from "@kasa/shared"
import { sampleSum } from "@kasa/test-support/metrics-text"
import { startApp } from "@kasa/test-support/process"
import { purchase, sendTo, type Purchase } from "@kasa/test-support/shopper"
import { cpuMs, percentile, rssMb } from "./bench-proc.ts"
import { devEnv, imageEnv } from "./dev-env.ts"
const root = new URL("..", import.meta.url).pathname

const LEVELS = (process.env.BENCH_LEVELS ?? "1,50,1000").split(",").map(Number)
/** Purchases per shopper at a level: enough for a few seconds at the smallest levels. */
const ROUNDS = (shoppers: number) => Math.max(1, Math.ceil(Number(process.env.BENCH_MIN_CHECKOUTS ?? 200) / shoppers))
const MODES = (process.env.BENCH_MODES ?? "embedded,distributed").split(",")
const runId = `benchco${Date.now().toString(36)}`


/** The shipped catalog with a million units of everything, so no level runs out of stock. */
const benchCatalog = async (): Promise<string> => {
  const shipped = (await Bun.file(`${root}contexts/catalog/data/products.json`).json()) as { products: Array<Record<string, unknown>> }
  const file = `${tmpdir()}/kasa-bench-checkout-${runId}-products.json`
  await Bun.write(file, JSON.stringify({ ...shipped, products: shipped.products.map((p) => ({ ...p, stock: 1_000_000 })) }))
  return file
}

interface Counters {
  readonly cpu: number
  readonly events: number
  readonly redis: number
  readonly sql: number
}

interface Row {
  readonly mode: string
  readonly shoppers: number
  readonly checkouts: number
  readonly failures: number
  readonly per_second: number
  readonly p50_ms: number
  readonly p99_ms: number
  readonly rss_idle_mb: number
  readonly rss_end_mb: number
  readonly rss_after_mb: number
  readonly cpu_ms: number
  readonly events: number
  readonly redis_cmds: number | string
  readonly sql_tx: number | string
}

const rows: Array<Row> = []
const errors: Array<string> = []

const bench = async (mode: string, env: Record<string, string>, counters: (url: string, pid: number) => Promise<Counters>) => {
  const app = await startApp(`${root}apps/shop/src/main.ts`, env, 180_000)
  const pid = app.process.pid
  try {
    const send = sendTo(app.url)
    // Warm-up, not reported: the first purchase pays for every lazy start.
    await purchase(send, { timeoutMs: 60_000 })
    await Bun.sleep(3_000)
    const idle = rssMb(pid)
    for (const shoppers of LEVELS) {
      const rounds = ROUNDS(shoppers)
      const before = await counters(app.url, pid)
      const latencies: Array<number> = []
      let failures = 0
      const started = performance.now()
      await Promise.all(
        Array.from({ length: shoppers }, async () => {
          for (let i = 0; i < rounds; i++) {
            try {
              const done: Purchase = await purchase(send, { timeoutMs: 120_000, pollMs: 25 })
              latencies.push(done.doneMs)
            } catch (error) {
              failures++
              if (errors.length < 10) errors.push(`${mode} ${shoppers}: ${(error as Error).message.slice(0, 300)}`)
            }
          }
        })
      )
      const seconds = (performance.now() - started) / 1000
      const end = rssMb(pid)
      const after = await counters(app.url, pid)
      latencies.sort((a, b) => a - b)
      const n = Math.max(1, latencies.length)
      rows.push({
        mode,
        shoppers,
        checkouts: latencies.length,
        failures,
        per_second: Number((latencies.length / seconds).toFixed(1)),
        p50_ms: Math.round(percentile(latencies, 50)),
        p99_ms: Math.round(percentile(latencies, 99)),
        rss_idle_mb: idle,
        rss_end_mb: end,
        rss_after_mb: 0,
        cpu_ms: Number(((after.cpu - before.cpu) / n).toFixed(1)),
        events: Number(((after.events - before.events) / n).toFixed(1)),
        redis_cmds: Number.isNaN(after.redis) ? "n/a" : Number(((after.redis - before.redis) / n).toFixed(1)),
        sql_tx: Number.isNaN(after.sql) ? "n/a" : Number(((after.sql - before.sql) / n).toFixed(1))
      })
      await Bun.sleep(5_000)
      rows[rows.length - 1] = { ...rows[rows.length - 1]!, rss_after_mb: rssMb(pid) }
    }
  } finally {
    app.process.kill("SIGTERM")
    await app.process.exited
  }
}

const catalogFile = await benchCatalog()
const eventsOf = async (url: string) => sampleSum(await fetch(`${url}/metrics`).then((r) => r.text()), "kasa_events_published_total", {})

if (MODES.includes("embedded")) {
  await bench("embedded", { ...(await devEnv(root)), CATALOG_DATA_FILE: catalogFile }, async (url, pid) => ({ cpu: cpuMs(pid), events: await eventsOf(url), redis: NaN, sql: NaN }))
}

if (MODES.includes("distributed")) {
  const [kafka, redis, postgres] = await Promise.all([startOrFindKafka(), startOrFindRedis(), findPostgres()])
  const database = await createTestDatabase(postgres, `kasa_${runId}`)
  // A broker that was found may hold events of earlier runs in the shop's topics: start after them.
  await skipGroupsToEnd(kafka.brokers, ConsumerGroups)
  const client = createClient({ url: redis.url })
  await client.connect()
  const pg = new Bun.SQL(database.url)
  const redisCommands = async () => Number(/total_commands_processed:(\d+)/.exec(await client.info("stats"))?.[1] ?? NaN)
  const sqlCommits = async () => Number((await pg`select xact_commit from pg_stat_database where datname = current_database()`)[0]?.xact_commit ?? NaN)
  try {
    await bench(
      "distributed",
      { ...(await imageEnv(root)), KAFKA_BROKERS: kafka.brokers, REDIS_URL: redis.url, REDIS_KEY_PREFIX: `kasa-bench:${runId}:`, DATABASE_URL: database.url, CATALOG_DATA_FILE: catalogFile, KAFKA_SESSION_TIMEOUT_MS: "6000" },
      async (url, pid) => ({ cpu: cpuMs(pid), events: await eventsOf(url), redis: await redisCommands(), sql: await sqlCommits() })
    )
  } finally {
    await pg.close()
    client.destroy()
    await database.drop()
  }
}

console.log(`\nbench:checkout (${new Date().toISOString()}), per checkout: cpu_ms of the shop's process, events published, Redis commands, SQL transactions`)
console.table(rows)
if (errors.length > 0) console.log(`first failures:\n${errors.join("\n")}`)
process.exit(0)
