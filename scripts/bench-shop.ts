/**
 * `bun run bench:shop [base-checkout]`: add-to-cart against the WHOLE shop (`apps/shop`, every
 * context's consumers running in the process), embedded and distributed over Kafka + Redis, beside a
 * bare Bun server that parses the same JSON body (the ceiling), and, when given the path of another
 * checkout with its own node_modules (e.g. a worktree of the base commit), the same shop from there, in
 * one run so the ratios hold on any machine. Besides wrk's figures it reports the CPU the shop's
 * process spent per add (utime + stime from /proc/<pid>/stat over the run). Asserts nothing.
 */
import { tmpdir } from "node:os"
import { startOrFindKafka } from "../adapters/kafka/src/testing/broker.ts"
import { startOrFindRedis } from "../adapters/redis/src/testing/redis-server.ts"
import { startApp } from "@kasa/test-support/process"
import { root, wrk } from "./bench-wrk.ts"

const CLOCK_TICKS_PER_SECOND = 100
const SESSIONS = 6_000

const cpuMs = (pid: number): number => {
  const fields = require("node:fs").readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ") as Array<string>
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after "pid (comm) ".
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND
}

/** Sessions the app itself issues (whatever its token format), one per line of a file wrk reads. */
const issuedSessions = async (url: string, label: string): Promise<string> => {
  const tokens: Array<string> = []
  for (let i = 0; i < SESSIONS; i += 50) {
    const batch = await Promise.all(Array.from({ length: 50 }, () => fetch(`${url}/cart`).then((r) => r.headers.get("X-Session-Id") ?? "")))
    tokens.push(...batch)
  }
  const file = `${tmpdir()}/kasa-bench-shop-${process.pid}-${label.replace(/\W+/g, "-")}.txt`
  await Bun.write(file, tokens.join("\n"))
  return file
}

interface Row {
  readonly label: string
  readonly connections: number
  readonly rps: number
  readonly p50: string
  readonly p99: string
  readonly non2xx: string
  readonly cpuMsPerAdd: number | undefined
}

const rows: Array<Row> = []

const measure = async (label: string, url: string, pid: number, sessions: string | undefined) => {
  await wrk(url, 10, label, sessions) // warm-up, not reported
  for (const connections of [1, 50]) {
    const before = cpuMs(pid)
    const result = await wrk(url, connections, label, sessions)
    const adds = result.rps * Number(process.env.BENCH_SECONDS ?? 10)
    rows.push({ ...result, label, cpuMsPerAdd: adds === 0 ? undefined : (cpuMs(pid) - before) / adds })
  }
}

const benchShop = async (label: string, checkout: string, env: Record<string, string>) => {
  const app = await startApp(`${checkout}/apps/shop/src/main.ts`, env, 60_000)
  try {
    await measure(label, app.url, app.process.pid, await issuedSessions(app.url, label))
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
await measure("ceiling: bare Bun server parsing the body", ceiling.url, ceiling.child.pid, undefined)
ceiling.child.kill()
const kafka = await startOrFindKafka()
const redis = await startOrFindRedis()
try {
  for (const [name, checkout] of checkouts) {
    await benchShop(`${name}, shop embedded`, checkout, {})
    const keyPrefix = `kasa-bench-shop:${Date.now().toString(36)}:`
    try {
      await benchShop(`${name}, shop distributed`, checkout, { KAFKA_BROKERS: kafka.brokers, REDIS_URL: redis.url, REDIS_KEY_PREFIX: keyPrefix })
    } finally {
      await redis.cleanup(keyPrefix).catch(() => undefined)
    }
  }
} finally {
  await kafka.stop()
  await redis.stop()
}

console.log(`\nadd-to-cart against the whole shop (every consumer running), wrk from a second process, a new session every 20 adds`)
console.log("what                                   conns    req/s      p50      p99  non-2xx  CPU ms/add")
for (const r of rows) {
  const cpu = r.cpuMsPerAdd === undefined ? "" : r.cpuMsPerAdd.toFixed(3)
  console.log(`${r.label.padEnd(37)}  ${String(r.connections).padStart(5)}  ${r.rps.toFixed(0).padStart(7)}  ${r.p50.padStart(7)}  ${r.p99.padStart(7)}  ${r.non2xx.padStart(7)}  ${cpu.padStart(10)}`)
}
