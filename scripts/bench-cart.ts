/**
 * `npm run bench:cart [-- <base-checkout>]`: add-to-cart (POST /cart/items) measured from a second
 * process (wrk), 10 s a level at 1 and at 50 connections, in ONE run so the ratios hold on any machine:
 * the ceiling (a bare Bun server parsing the same JSON body), the cart app alone, and the whole shop
 * (`apps/shop`, every context's consumers running), each embedded and distributed over Kafka + Redis;
 * and, given the path of another checkout with its own node_modules (e.g. a worktree of the commit before
 * a change), the same rows from there. Besides wrk's figures it reports, for the whole shop, how long
 * its consumers took after the run to catch up with every add (from /metrics: every group reading
 * cart-events has consumed what was published) and the rate that makes sustained, adds / (run +
 * catch-up); and the CPU the app's process spent per add from the start of the run until its consumers
 * had caught up (utime + stime from /proc/<pid>/stat; Kafka's and Redis's own CPU is not in it).
 * A second table splits the CPU of each level, per add, between the app's request thread, its background
 * thread and its runtime's own threads, Redis, Kafka and wrk: on a machine of two cores they all share
 * the same cores, so what the consumers, the broker or the load generator spend is what the requests lack.
 * Asserts nothing; prints two tables.
 */
import { tmpdir } from "node:os"
import { startOrFindKafka } from "../adapters/kafka/src/testing/broker.ts"
import { skipGroupsToEnd } from "../adapters/kafka/src/testing/group-offsets.ts"
import { createTestDatabase, findPostgres } from "../adapters/postgres/src/testing/postgres-server.ts"
import { startOrFindRedis } from "../adapters/redis/src/testing/redis-server.ts"
import { ConsumerGroups } from "@kasa/shared"
import { labelValues, sampleSum } from "@kasa/test-support/metrics-text"
import { startApp } from "@kasa/test-support/process"
import { devEnv, imageEnv } from "./dev-env.ts"
import { cpuMs, listenerPid, threadCpuMs } from "./bench-proc.ts"
import { root, wrk } from "./bench-wrk.ts"

const SESSIONS = 6_000
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CATCH_UP_LIMIT_MS = 120_000
/**
 * How often the catch-up wait reads /metrics. A scrape renders every series (about 2.7 ms of the shop's
 * CPU in a profile): read every 50 ms it was some 5% of what the consumers spent catching up.
 */
const CATCH_UP_POLL_MS = 250

/** Sessions the app itself issues (whatever its token format), one per line of a file wrk reads. */
const issuedSessions = async (url: string, label: string): Promise<string> => {
  const tokens: Array<string> = []
  for (let i = 0; i < SESSIONS; i += 50) {
    const batch = await Promise.all(Array.from({ length: 50 }, () => fetch(`${url}/cart`).then((r) => r.headers.get("X-Session-Id") ?? "")))
    tokens.push(...batch)
  }
  const file = `${tmpdir()}/kasa-bench-cart-${process.pid}-${label.replace(/\W+/g, "-")}.txt`
  await Bun.write(file, tokens.join("\n"))
  return file
}

/**
 * Milliseconds until every cart-events reader has consumed what the shop published there, counted from
 * now; undefined if the app's /metrics does not say (an older checkout) or the limit passed.
 */
const catchUpMs = async (url: string): Promise<number | undefined> => {
  const started = performance.now()
  while (performance.now() - started < CATCH_UP_LIMIT_MS) {
    const text = await fetch(`${url}/metrics`).then((r) => r.text())
    const published = sampleSum(text, "kasa_events_published_total", { topic: "cart-events" })
    const pending = sampleSum(text, "kasa_outbox_pending", {})
    if (published === 0) return undefined
    // Every group of the shop that reads cart-events (whichever the checkout measured mounts; all have consumed in the warm-up).
    const readers = labelValues(text, "kasa_events_consumed_total", "group", { topic: "cart-events" })
    const behind = readers.some((group) => sampleSum(text, "kasa_events_consumed_total", { group, topic: "cart-events" }) < published)
    if (!behind && pending === 0) return performance.now() - started
    await Bun.sleep(CATCH_UP_POLL_MS)
  }
  return undefined
}

/** Where the machine's CPU went during one level, ms per add: the app's threads by role, Redis, Kafka, wrk. */
interface Breakdown {
  readonly request: number
  readonly background: number
  readonly runtime: number
  readonly redis: number
  readonly kafka: number
  readonly wrk: number
}

/** The local Redis's and Kafka's pids once they run (undefined: not found on this machine). */
const servers: { redis: number | undefined; kafka: number | undefined } = { redis: undefined, kafka: undefined }

const machineCpu = (pid: number) => ({
  app: threadCpuMs(pid),
  redis: servers.redis === undefined ? NaN : cpuMs(servers.redis),
  kafka: servers.kafka === undefined ? NaN : cpuMs(servers.kafka)
})

interface Row {
  readonly label: string
  readonly connections: number
  readonly rps: number
  readonly p50: string
  readonly p99: string
  readonly non2xx: string
  readonly cpuMsPerAdd: number | undefined
  readonly catchUpMs: number | undefined
  readonly breakdown: Breakdown | undefined
}

const rows: Array<Row> = []

const measure = async (label: string, url: string, pid: number, sessions: string | undefined, waitForConsumers: boolean) => {
  await wrk(url, 10, label, sessions) // warm-up, not reported
  if (waitForConsumers) await catchUpMs(url)
  for (const connections of [1, 50]) {
    const before = cpuMs(pid)
    const machineBefore = machineCpu(pid)
    const result = await wrk(url, connections, label, sessions)
    const caughtUp = waitForConsumers ? await catchUpMs(url) : undefined
    const adds = result.rps * SECONDS
    const after = machineCpu(pid)
    const perAdd = (ms: number) => ms / adds
    const breakdown: Breakdown | undefined =
      adds === 0
        ? undefined
        : {
            request: perAdd(after.app.request - machineBefore.app.request),
            background: perAdd(after.app.background - machineBefore.app.background),
            runtime: perAdd(after.app.runtime - machineBefore.app.runtime),
            redis: perAdd(after.redis - machineBefore.redis),
            kafka: perAdd(after.kafka - machineBefore.kafka),
            wrk: perAdd(result.wrkCpuMs)
          }
    rows.push({ ...result, label, cpuMsPerAdd: adds === 0 ? undefined : (cpuMs(pid) - before) / adds, catchUpMs: caughtUp, breakdown })
  }
}

const bench = async (label: string, entry: string, env: Record<string, string>, waitForConsumers: boolean) => {
  const app = await startApp(entry, env, 60_000)
  try {
    await measure(label, app.url, app.process.pid, await issuedSessions(app.url, label), waitForConsumers)
  } finally {
    app.process.kill("SIGTERM")
    await app.process.exited
  }
}

/** The ceiling: a bare Bun server that only parses the body, in a process of its own; resolves with its URL. */
const startCeiling = async () => {
  const child = Bun.spawn(["bun", "-e", 'const s = Bun.serve({ port: 0, fetch: async (r) => { await r.json(); return new Response("{}", { status: 201 }) } }); console.log(s.url.href)'], {
    stdout: "pipe"
  })
  const { value } = await child.stdout.getReader().read()
  return { child, url: new TextDecoder().decode(value).trim().replace(/\/$/, "") }
}

const base = process.argv[2]
const checkouts: Array<readonly [string, string]> = [["this code", root.replace(/\/$/, "")], ...(base === undefined ? [] : [["base", base.replace(/\/$/, "")] as const])]

const ceiling = await startCeiling()
await measure("ceiling: bare Bun parsing the body", ceiling.url, ceiling.child.pid, undefined, false)
ceiling.child.kill()
const kafka = await startOrFindKafka()
const redis = await startOrFindRedis()
servers.redis = listenerPid(Number(new URL(redis.url).port || 6379))
servers.kafka = listenerPid(Number(kafka.brokers.split(",")[0]!.split(":").pop()))
const postgres = await findPostgres()
try {
  for (const [name, checkout] of checkouts) {
    for (const [what, entry, isShop] of [["cart alone", "cart", false], ["whole shop", "shop", true]] as const) {
      // The whole shop embedded is what `npm run dev` runs, started as it starts it; a distributed app as its image starts it.
      await bench(`${name}, ${what}, embedded`, `${checkout}/apps/${entry}/src/main.ts`, isShop ? await devEnv(checkout) : {}, isShop)
      // The bench's own key prefix, removed afterwards: a Redis that was found (not started) may hold other data.
      const keyPrefix = `kasa-bench:${Date.now().toString(36)}:`
      try {
        // The shop keeps payment's records: in a PostgreSQL database of the bench's own, as a real shop would.
        const database = isShop ? await createTestDatabase(postgres, `kasa_bench_${Date.now().toString(36)}`) : undefined
        try {
          const records = database === undefined ? {} : { DATABASE_URL: database.url }
          // The topics keep their names from run to run: the shop starts with nothing left of the runs before (the cart alone's events).
          await skipGroupsToEnd(kafka.brokers, ConsumerGroups)
          await bench(`${name}, ${what}, distributed`, `${checkout}/apps/${entry}/src/main.ts`, { ...(await imageEnv(checkout)), KAFKA_BROKERS: kafka.brokers, REDIS_URL: redis.url, REDIS_KEY_PREFIX: keyPrefix, ...records }, isShop)
        } finally {
          await database?.drop().catch(() => {})
        }
      } finally {
        await redis.cleanup(keyPrefix).catch((error) => console.error(`could not remove the bench's Redis keys (${keyPrefix}*): ${String(error)}`))
      }
    }
  }
} finally {
  await kafka.stop()
  await redis.stop()
}

console.log(`\nadd-to-cart, wrk from a second process, ${SECONDS} s a level, a new session every 20 adds`)
console.log("catch-up: after the run, until every cart-events reader has consumed every add; sustained = adds / (run + catch-up)")
console.log("what                                      conns    req/s      p50      p99  non-2xx  CPU ms/add  catch-up  sustained/s")
for (const r of rows) {
  const cpu = r.cpuMsPerAdd === undefined ? "" : r.cpuMsPerAdd.toFixed(3)
  const catchUp = r.catchUpMs === undefined ? "" : `${(r.catchUpMs / 1000).toFixed(1)} s`
  const sustained = r.catchUpMs === undefined ? "" : ((r.rps * SECONDS) / (SECONDS + r.catchUpMs / 1000)).toFixed(0)
  console.log(
    `${r.label.padEnd(40)}  ${String(r.connections).padStart(5)}  ${r.rps.toFixed(0).padStart(7)}  ${r.p50.padStart(7)}  ${r.p99.padStart(7)}  ${r.non2xx.padStart(7)}  ${cpu.padStart(10)}  ${catchUp.padStart(8)}  ${sustained.padStart(11)}`
  )
}

console.log("\nwhere the machine's CPU went, ms per add, from the start of the run until the consumers caught up (wrk: the run):")
console.log("the app's request thread (main), its background thread (relay and consumers, BACKGROUND_WORK=thread), its runtime's")
console.log("threads (JIT, garbage collector, allocator); Redis's and Kafka's processes when they run on this machine (blank if not)")
console.log("what                                      conns   request  background   runtime     redis     kafka       wrk     total")
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(3) : "").padStart(9)
for (const r of rows) {
  const b = r.breakdown
  if (b === undefined) continue
  const total = [b.request, b.background, b.runtime, b.redis, b.kafka, b.wrk].filter(Number.isFinite).reduce((sum, value) => sum + value, 0)
  console.log(`${r.label.padEnd(40)}  ${String(r.connections).padStart(5)} ${ms(b.request)}  ${ms(b.background)}  ${ms(b.runtime)} ${ms(b.redis)} ${ms(b.kafka)} ${ms(b.wrk)} ${ms(total)}`)
}
