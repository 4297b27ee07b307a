/**
 * What every app's in-process HTTP tests need: a data file in a fresh folder, the app created
 * embedded over a broker and state the test can inspect (or the message it refuses to start with),
 * a request helper that sends the session and a JSON body, and the envelopes a topic holds for one
 * session.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { MemoryBroker, MemoryStateData } from "@kasa/adapter-memory"
import { type AnyAppModule, type App, createApp } from "@kasa/app-platform"
import { decodeEnvelope, type Envelope, EventBus, toBusMessage } from "@kasa/shared"

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
  const app = await createApp({ name, modules, env: {}, broker, state, log: () => {}, ...extra })
  return { app, broker, state }
}

export interface Call {
  readonly session?: string
  readonly body?: unknown
  readonly headers?: Record<string, string>
}

export const call = (t: TestApp, method: string, path: string, options: Call = {}) =>
  t.app.http.request(path, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      ...(options.session === undefined ? {} : { "X-Session-Id": options.session }),
      ...options.headers
    },
    ...(options.body === undefined ? {} : { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) })
  })

/** Publishes one envelope on `topic`, keyed by its aggregate. */
export const publishTo = (t: TestApp, topic: string, envelope: Envelope) =>
  t.app.runtime.runPromise(Effect.flatMap(EventBus, (bus) => bus.publish([toBusMessage({ topic, key: envelope.aggregate_id, envelope })])))

/** The envelopes on `topic` keyed by `key` (a session), in offset order, decoded. */
export const publishedOn = (t: TestApp, topic: string, key: string): ReadonlyArray<Envelope> =>
  (t.broker.topics.get(topic) ?? [])
    .flatMap((partition) => partition.log)
    .filter((message) => message.key === key)
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
