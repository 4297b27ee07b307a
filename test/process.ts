/**
 * Runs an app as its own process, the way a user starts it, and reads its "listening" line for the URL.
 * Tests use it for start-up, readiness, configuration errors and graceful stop.
 */
import type { Subprocess } from "bun"

export interface RunningProcess {
  readonly url: string
  readonly process: Subprocess<"ignore", "pipe", "pipe">
  readonly output: () => string
}

/**
 * The SESSION_SECRET of every app a test starts (distributed mode requires one), so a test can sign
 * session tokens those apps accept (app-harness.ts `newSession`). A test value, never a real secret.
 */
export const TEST_SESSION_SECRET = "test-only-session-secret-0123456789abcdef"

const baseEnv = (): Record<string, string> => {
  const env: Record<string, string> = { SESSION_SECRET: TEST_SESSION_SECRET }
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !["KAFKA_BROKERS", "REDIS_URL", "PORT", "OTEL_EXPORTER_OTLP_ENDPOINT"].includes(name)) env[name] = value
  }
  return env
}

export const spawnApp = (entry: string, env: Record<string, string>) =>
  Bun.spawn([process.execPath, entry], {
    env: { ...baseEnv(), ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe"
  })

/** Starts the app and resolves when it prints its URL; fails with its output if it exits first. */
export const startApp = async (entry: string, env: Record<string, string>, timeoutMs = 30_000): Promise<RunningProcess> => {
  const child = spawnApp(entry, { PORT: "0", ...env })
  let out = ""
  const decoder = new TextDecoder()
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const reader = stream.getReader()
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) out += decoder.decode(chunk.value)
  }
  void pump(child.stdout)
  void pump(child.stderr)
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const match = /"url":"(http:\/\/[^"]+)"/.exec(out)
    if (match !== null) return { url: match[1]!.replace(/\/$/, ""), process: child, output: () => out }
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode} before listening:\n${out}`)
    await Bun.sleep(20)
  }
  child.kill("SIGKILL")
  throw new Error(`app did not listen within ${timeoutMs} ms:\n${out}`)
}

const running = (child: Subprocess | undefined): child is Subprocess => child !== undefined && child.exitCode === null && child.signalCode === null

/** SIGTERM (graceful), then SIGKILL if the process has not exited within `graceMs`; nothing if it is not running. */
export const stopProcess = async (child: Subprocess | undefined, graceMs = 20_000): Promise<void> => {
  if (!running(child)) return
  child.kill("SIGTERM")
  const exited = await Promise.race([child.exited.then(() => true), Bun.sleep(graceMs).then(() => false)])
  if (!exited) await killNow(child)
}

/** SIGKILL, as a crash would, and wait for the exit; nothing if it is not running. */
export const killNow = async (child: Subprocess | undefined): Promise<void> => {
  if (!running(child)) return
  child.kill("SIGKILL")
  await child.exited
}
