/**
 * What the add-to-cart benchmarks share: wrk from a second process against a cart app started the
 * way a user starts it, 10 s (BENCH_SECONDS) per run after a warm-up, at 1 connection and at 50, and
 * the table they print (requests/s, p50, p99, non-2xx). Used by bench-cart.ts and bench-durability.ts.
 */
import { tmpdir } from "node:os"
import { Redacted } from "effect"
import { sessionTokens } from "@kasa/app-platform"
import { startApp, TEST_SESSION_SECRET } from "@kasa/test-support/process"

export const root = new URL("..", import.meta.url).pathname
const seconds = Number(process.env.BENCH_SECONDS ?? 10)
const wrkScript = `${root}scripts/wrk/add-to-cart.lua`

if (Bun.spawnSync(["which", "wrk"]).exitCode !== 0) {
  console.error("the add-to-cart benchmarks need wrk (Debian: apt-get install wrk)")
  process.exit(1)
}

// The shipped catalog file is `{ products: [...] }`; the adds use plain products (type "offer"): no
// warranties (they need a parent line) and no accessories.
const { products } = (await Bun.file(`${root}contexts/catalog/data/products.json`).json()) as { products: Array<{ offer_id: string; category: string }> }
const offers = products.filter((p) => p.category !== "warranty" && p.category !== "accessory").slice(0, 10).map((p) => p.offer_id).join(",")

// Session tokens signed as the app under test signs them (startApp gives it TEST_SESSION_SECRET): the
// shoppers must hold issued tokens, and wrk cannot pair a response's X-Session-Id with its shopper.
const sessionsFile = `${tmpdir()}/kasa-bench-sessions-${process.pid}.txt`
const tokens = sessionTokens(Redacted.make(TEST_SESSION_SECRET))
await Bun.write(sessionsFile, Array.from({ length: 100_000 }, () => tokens.issue().token).join("\n"))
process.on("exit", () => Bun.spawnSync(["rm", "-f", sessionsFile]))

export interface Result {
  readonly mode: string
  readonly connections: number
  readonly rps: number
  readonly p50: string
  readonly p99: string
  readonly non2xx: string
  /** CPU wrk itself spent (ms): on a machine of few cores the load generator takes its share too. */
  readonly wrkCpuMs: number
}

/** `sessions`: a file of session tokens the app under test accepts (default: tokens signed with TEST_SESSION_SECRET). */
export const wrk = async (url: string, connections: number, mode: string, sessions: string = sessionsFile): Promise<Result> => {
  const threads = Math.min(2, connections)
  // The script's arguments (after `--`): how many connections each thread has (it sizes the thread's
  // session pool), and how many threads share the session tokens.
  const child = Bun.spawn(["wrk", `-t${threads}`, `-c${connections}`, `-d${seconds}s`, "--latency", "-s", wrkScript, url, "--", String(Math.ceil(connections / threads)), String(threads)], {
    env: { ...process.env, BENCH_OFFERS: offers, BENCH_SESSIONS: sessions },
    stdout: "pipe",
    stderr: "pipe"
  })
  const out = await new Response(child.stdout).text()
  const err = await new Response(child.stderr).text()
  await child.exited
  const usage = child.resourceUsage()
  const pick = (pattern: RegExp) => pattern.exec(out)?.[1] ?? "?"
  if (err.trim() !== "") console.error(err.trim())
  return {
    mode,
    connections,
    rps: Number(pick(/Requests\/sec:\s+([\d.]+)/)),
    p50: pick(/\s50%\s+([\d.]+\w+)/),
    p99: pick(/\s99%\s+([\d.]+\w+)/),
    non2xx: pick(/Non-2xx or 3xx responses: (\d+)/) === "?" ? "0" : pick(/Non-2xx or 3xx responses: (\d+)/),
    wrkCpuMs: usage === undefined ? NaN : Number(usage.cpuTime.total) / 1000
  }
}

/** The cart app with `env`, warmed up, then measured at 1 and at 50 connections. */
export const benchCartApp = async (mode: string, env: Record<string, string>): Promise<Array<Result>> => {
  const app = await startApp(`${root}apps/cart/src/main.ts`, env, 60_000)
  try {
    await wrk(app.url, 10, mode) // warm-up, not reported
    return [await wrk(app.url, 1, mode), await wrk(app.url, 50, mode)]
  } finally {
    app.process.kill("SIGTERM")
    await app.process.exited
  }
}

export const printResults = (results: ReadonlyArray<Result>): void => {
  console.log(`\nadd-to-cart: POST /cart/items, wrk from a second process, ${seconds} s per run, a new session every 20 adds`)
  console.log("mode                                  conns    req/s      p50      p99  non-2xx")
  for (const r of results) {
    console.log(`${r.mode.padEnd(36)}  ${String(r.connections).padStart(5)}  ${r.rps.toFixed(0).padStart(7)}  ${r.p50.padStart(7)}  ${r.p99.padStart(7)}  ${r.non2xx.padStart(7)}`)
  }
}
