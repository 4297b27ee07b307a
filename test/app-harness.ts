/**
 * What every app's in-process HTTP tests need: a data file in a fresh folder, the app created
 * embedded over a broker and state the test can inspect (or the message it refuses to start with),
 * sessions those apps accept, a request helper that sends the session's token and a JSON body, and the
 * envelopes a topic holds for one session.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Redacted } from "effect"
import { MemoryBroker, MemoryStateData } from "@kasa/adapter-memory"
import { type AnyAppModule, type App, createApp, type Session, sessionTokens } from "@kasa/app-platform"
import { decodeEnvelope, type Envelope, EventBus, toBusMessage } from "@kasa/shared"
import { TEST_SESSION_SECRET } from "./process.ts"

export { TEST_SESSION_SECRET }
export type { Session }

const testTokens = sessionTokens(Redacted.make(TEST_SESSION_SECRET))

/**
 * A session every app a test starts accepts (they all sign with TEST_SESSION_SECRET): `token` is what
 * a client sends in X-Session-Id, `id` the session_id its events, keys and bodies carry.
 */
export const newSession = (): Session => testTokens.issue()

/** The session_id of a session, or the string itself (already a session_id). */
export const idOf = (session: Session | string): string => (typeof session === "string" ? session : session.id)

/** The session a response carries in X-Session-Id, verified as one the test apps issued; throws otherwise. */
export const sessionOf = (response: Response): Session => {
  const token = response.headers.get("X-Session-Id") ?? ""
  const id = testTokens.verify(token)
  if (id === undefined) throw new Error(`X-Session-Id is not a session token the test apps issued: "${token}"`)
  return { token, id }
}

/** Writes `content` (text as is, anything else as JSON) to `name` in a fresh folder; `remove` deletes it. */
export const writeTempFile = async (name: string, content: unknown) => {
  const dir = await mkdtemp(join(tmpdir(), "kasa-test-"))
  const file = join(dir, name)
  await writeFile(file, typeof content === "string" ? content : JSON.stringify(content))
  return { file, remove: () => rm(dir, { recursive: true, force: true }) }
}

/** What starting `modules` embedded fails with (its message), or undefined when they start (then stopped again). */
export const startFailure = (name: string, modules: ReadonlyArray<AnyAppModule>): Promise<string | undefined> =>
  createApp({ name, modules, env: {}, log: () => {} }).then(
    (app) => app.stop().then(() => undefined),
    (error: unknown) => (error instanceof Error ? error.message : String(error))
  )

/** Writes `content` as the data file `fileName`, then what starting `modules(file)` fails with; the file is removed after. */
export const startFailureOnFile = async (name: string, fileName: string, content: unknown, modules: (file: string) => ReadonlyArray<AnyAppModule>) => {
  const written = await writeTempFile(fileName, content)
  try {
    return { file: written.file, message: await startFailure(name, modules(written.file)) }
  } finally {
    await written.remove()
  }
}

export interface TestApp {
  readonly app: App
  readonly broker: MemoryBroker
  readonly state: MemoryStateData
}

/** An embedded app whose broker and state the test holds. */
export const startTestApp = async (name: string, modules: ReadonlyArray<AnyAppModule>, extra: Partial<Parameters<typeof createApp>[0]> = {}): Promise<TestApp> => {
  const broker = new MemoryBroker()
  const state = new MemoryStateData()
  const app = await createApp({ name, modules, broker, state, log: () => {}, ...extra, env: { SESSION_SECRET: TEST_SESSION_SECRET, ...extra.env } })
  return { app, broker, state }
}

export interface Call {
  /** A session (its token is sent), or any string as the X-Session-Id header (forged tokens). */
  readonly session?: Session | string
  readonly body?: unknown
  readonly headers?: Record<string, string>
}

export const call = (t: TestApp, method: string, path: string, options: Call = {}) =>
  t.app.http.request(path, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      ...(options.session === undefined ? {} : { "X-Session-Id": typeof options.session === "string" ? options.session : options.session.token }),
      ...options.headers
    },
    ...(options.body === undefined ? {} : { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) })
  })

/** Publishes one envelope on `topic`, keyed by its aggregate. */
export const publishTo = (t: TestApp, topic: string, envelope: Envelope) =>
  t.app.runtime.runPromise(Effect.flatMap(EventBus, (bus) => bus.publish([toBusMessage({ topic, key: envelope.aggregate_id, envelope })])))

/** The envelopes on `topic` keyed by `key` (a session's id), in offset order, decoded. */
export const publishedOn = (t: TestApp, topic: string, key: Session | string): ReadonlyArray<Envelope> =>
  (t.broker.topics.get(topic) ?? [])
    .flatMap((partition) => partition.log)
    .filter((message) => message.key === idOf(key))
    .sort((a, b) => a.offset - b.offset)
    .map((message) => {
      const decoded = decodeEnvelope(message.value)
      if (!decoded.ok) throw new Error(decoded.reason)
      return decoded.envelope
    })

/**
 * The ids of every event for `topic` wherever it is, outbox or bus (the relay moves events from one
 * to the other at any moment, so the union is what stays put when nothing new is written).
 */
export const eventIdsOn = (t: TestApp, topic: string): ReadonlyArray<string> =>
  [
    ...new Set([
      ...t.state.outbox.filter((entry) => entry.event.topic === topic).map((entry) => entry.event.envelope.event_id),
      ...(t.broker.topics.get(topic) ?? []).flatMap((partition) => partition.log).map((message) => {
        const decoded = decodeEnvelope(message.value)
        return decoded.ok ? decoded.envelope.event_id : "undecodable"
      })
    ])
  ].sort()

export interface ServedTestApp extends TestApp {
  /** Where the app is served, e.g. `http://127.0.0.1:40123`. */
  readonly origin: string
  /** Stops the app, then closes the port. */
  readonly stop: () => Promise<void>
}

/**
 * An embedded app served on a real port, for modules that must know their own origin when they start
 * (payment's `PUBLIC_URL`: the sandbox posts its webhook there): the port is open first (503 until the
 * app is up), and `modules` is given its origin.
 */
export const startServedTestApp = async (
  name: string,
  modules: (origin: string) => ReadonlyArray<AnyAppModule>,
  extra: Partial<Parameters<typeof createApp>[0]> = {}
): Promise<ServedTestApp> => {
  let fetchApp: (request: Request) => Response | Promise<Response> = () => new Response("starting", { status: 503 })
  const server = Bun.serve({ port: 0, fetch: (request) => fetchApp(request) })
  const origin = `http://127.0.0.1:${server.port}`
  try {
    const t = await startTestApp(name, modules(origin), extra)
    fetchApp = t.app.http.fetch
    return { ...t, origin, stop: () => t.app.stop().finally(() => server.stop(true)) }
  } catch (error) {
    server.stop(true)
    throw error
  }
}
