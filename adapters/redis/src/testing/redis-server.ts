/**
 * Finds or starts a real Redis for tests (ARCHITECTURE §6), in this order: `REDIS_URL` if set;
 * else 127.0.0.1:6379 if it answers PING; else a `redis-server` binary started on a free loopback
 * port in a temporary folder (no persistence), stopped by `stop()` or when the process exits; else
 * a `redis:7` container through testcontainers where a container runtime answers. When none of
 * these works it throws saying what is missing, so a test that needs Redis fails instead of
 * skipping. `cleanup(prefix)` removes a run's keys with SCAN + UNLINK in batches.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createServer, Socket } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createClient } from "redis"

export interface RunningRedis {
  /** redis://host:port */
  readonly url: string
  /** How it was obtained: "REDIS_URL", "127.0.0.1:6379", "redis-server", "testcontainers". */
  readonly source: string
  /** Deletes every key under `prefix`. */
  readonly cleanup: (prefix: string) => Promise<void>
  /** Stops Redis if this run started it. */
  readonly stop: () => Promise<void>
}

/** Sends an inline PING over a raw socket: true only for `+PONG` (an auth error is not usable). */
export const answersPing = (host: string, port: number, timeoutMs = 500): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = new Socket()
    let reply = ""
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once("error", () => done(false))
    socket.on("data", (chunk) => {
      reply += chunk.toString("utf8")
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"))
    })
    socket.connect(port, host, () => socket.write("PING\r\n"))
  })

const pingUrl = async (url: string, timeoutMs = 2_000): Promise<string | undefined> => {
  const client = createClient({ url, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } })
  client.on("error", () => {})
  try {
    const reply = await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs))
    ])
    return reply === "PONG" ? undefined : `PING answered ${String(reply)}`
  } catch (error) {
    return String(error)
  } finally {
    client.destroy()
  }
}

const escapeGlob = (text: string): string => text.replace(/[*?[\]\\]/g, (c) => `\\${c}`)

/** SCAN + UNLINK under `prefix`, a batch per SCAN page. */
const cleanupFor =
  (url: string) =>
  async (prefix: string): Promise<void> => {
    if (prefix === "") throw new Error("refusing to clean up an empty prefix (that would be every key)")
    const client = createClient({ url, socket: { reconnectStrategy: false } })
    client.on("error", () => {})
    await client.connect()
    try {
      for await (const keys of client.scanIterator({ MATCH: `${escapeGlob(prefix)}*`, COUNT: 1_000 })) {
        if (keys.length > 0) await client.unlink(keys)
      }
    } finally {
      client.destroy()
    }
  }

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no free port"))))
    })
  })

const waitForPing = async (port: number, child: ChildProcess, output: () => string, deadlineMs = 10_000): Promise<void> => {
  const deadline = Date.now() + deadlineMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${output()}`)
    if (await answersPing("127.0.0.1", port, 200)) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`redis-server did not answer PING on port ${port} in ${deadlineMs} ms: ${output()}`)
}

/**
 * Starts the `redis-server` binary on a free loopback port, in a folder of its own, with no
 * persistence unless `persistence` says otherwise (the durability bench starts one per AOF setting);
 * undefined when there is no binary.
 */
export const startRedisBinary = async (
  binary = Bun.which("redis-server"),
  persistence: ReadonlyArray<string> = ["--save", "", "--appendonly", "no"]
): Promise<RunningRedis | undefined> => {
  if (binary === null || binary === undefined) return undefined
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    const dir = mkdtempSync(join(tmpdir(), "kasa-redis-"))
    const child = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, ...persistence], {
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    const keep = (chunk: Buffer) => (output = (output + chunk.toString("utf8")).slice(-2_000))
    child.stdout?.on("data", keep)
    child.stderr?.on("data", keep)
    const onExit = () => {
      if (child.exitCode === null) child.kill("SIGKILL")
      rmSync(dir, { recursive: true, force: true })
    }
    process.on("exit", onExit)
    try {
      await waitForPing(port, child, () => output)
    } catch (error) {
      lastError = error
      process.off("exit", onExit)
      onExit()
      continue
    }
    const url = `redis://127.0.0.1:${port}`
    return {
      url,
      source: "redis-server",
      cleanup: cleanupFor(url),
      stop: async () => {
        process.off("exit", onExit)
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
          child.kill("SIGTERM")
          const killed = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5_000))])
          if (!killed) child.kill("SIGKILL")
        }
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
  throw new Error(`a redis-server binary is installed (${binary}) but did not start: ${String(lastError)}`)
}

/** A `redis:7` container; throws with the reason when no container runtime answers. */
const startContainer = async (): Promise<RunningRedis> => {
  const tc = await import("testcontainers")
  await tc.getContainerRuntimeClient()
  const container = await new tc.GenericContainer("redis:7")
    .withExposedPorts(6379)
    .withWaitStrategy(tc.Wait.forLogMessage("Ready to accept connections"))
    .start()
  const url = `redis://${container.getHost()}:${container.getMappedPort(6379)}`
  return {
    url,
    source: "testcontainers",
    cleanup: cleanupFor(url),
    stop: async () => {
      await container.stop()
    }
  }
}

const announce = (redis: RunningRedis, detail: string): RunningRedis => {
  console.log(`[test-infra] Redis: ${detail}`)
  return redis
}

export const startOrFindRedis = async (): Promise<RunningRedis> => {
  const fromEnv = process.env.REDIS_URL
  if (fromEnv !== undefined && fromEnv !== "") {
    const problem = await pingUrl(fromEnv)
    if (problem !== undefined) throw new Error(`REDIS_URL is set but Redis there does not answer PING: ${problem}`)
    const found: RunningRedis = { url: fromEnv, source: "REDIS_URL", cleanup: cleanupFor(fromEnv), stop: async () => {} }
    return announce(found, "REDIS_URL as given (its address is not logged: it may hold a password)")
  }
  if (await answersPing("127.0.0.1", 6379)) {
    const url = "redis://127.0.0.1:6379"
    return announce({ url, source: "127.0.0.1:6379", cleanup: cleanupFor(url), stop: async () => {} }, `${url}, already running`)
  }
  let binaryProblem = "none found on PATH"
  try {
    const binary = await startRedisBinary()
    if (binary !== undefined) return announce(binary, `redis-server started on ${binary.url} for this run, stopped at its end`)
  } catch (error) {
    binaryProblem = String(error)
  }
  let containerProblem: string
  try {
    const container = await startContainer()
    return announce(container, `redis:7 container through testcontainers at ${container.url}`)
  } catch (error) {
    containerProblem = String(error)
  }
  throw new Error(
    "No Redis for the tests. Tried: REDIS_URL (not set); 127.0.0.1:6379 (no answer to PING); " +
      `a redis-server binary (${binaryProblem}); testcontainers (${containerProblem}). ` +
      "Set REDIS_URL, start Redis on 127.0.0.1:6379, install redis-server, or make a container runtime available."
  )
}
