/**
 * The background thread of a distributed app (BACKGROUND_WORK=thread, the default): its outbox relay and
 * consumers run in a worker thread of their own, so a request never waits on the event loop behind
 * the handling of events (measured on the whole shop: consumer work on the request thread made its
 * median add-to-cart about twice the cart app's alone). Both threads build the app from the same
 * entry file (the worker runs it again and `serveApp` sees it is not the main thread); they share
 * nothing but Kafka and Redis, which is all a distributed app's parts ever share. The main thread
 * asks the worker, over this small message protocol, for its readiness checks and its metrics, and
 * tells it when to stop; a worker that dies takes the process down (an instance without its
 * consumers must not look alive).
 */
import { Worker } from "node:worker_threads"
import type { CheckResult } from "./health.ts"

/** Main thread → worker. */
export type ToBackground =
  | { readonly kind: "readiness"; readonly id: number }
  | { readonly kind: "metrics"; readonly id: number }
  | { readonly kind: "stop"; readonly deadline: number }

/** Worker → main thread. */
export type FromBackground =
  | { readonly kind: "started" }
  | { readonly kind: "failed"; readonly message: string }
  | { readonly kind: "readiness"; readonly id: number; readonly checks: ReadonlyArray<CheckResult> }
  | { readonly kind: "metrics"; readonly id: number; readonly text: string }
  | { readonly kind: "stopped" }

/** What the worker is given: the environment the main thread resolved (INSTANCE_ID included). */
export interface BackgroundData {
  readonly kasaBackground: true
  readonly env: Readonly<Record<string, string | undefined>>
}

export const isBackgroundData = (data: unknown): data is BackgroundData =>
  typeof data === "object" && data !== null && (data as { kasaBackground?: unknown }).kasaBackground === true

/** How long the main thread waits for the worker's readiness or metrics (a readiness check's own bound). */
const ANSWER_MS = 2_000

/** The main thread's handle on its background thread. */
export interface BackgroundThread {
  readonly readiness: () => Promise<ReadonlyArray<CheckResult>>
  readonly metrics: () => Promise<string>
  /** Stops it gracefully by `deadline` (epoch ms), then ends the thread whatever it is doing. */
  readonly stop: (deadline: number) => Promise<void>
}

/**
 * Starts `entry` in a worker thread and resolves once it has started its relay and consumers; rejects
 * with its reason if it could not. `onDeath` is called if it ends at any other time than `stop`.
 */
export const startBackgroundThread = (entry: string, env: Readonly<Record<string, string | undefined>>, onDeath: (reason: string) => void): Promise<BackgroundThread> =>
  new Promise((resolve, reject) => {
    const data: BackgroundData = { kasaBackground: true, env }
    const worker = new Worker(entry, { workerData: data })
    let next = 0
    let started = false
    let stopping = false
    const waiting = new Map<number, (message: FromBackground) => void>()
    let stopped: (() => void) | undefined

    /** A question to the worker; `fallback` if it has not answered within ANSWER_MS (a stuck thread is not ready). */
    const ask = <A>(kind: "readiness" | "metrics", read: (message: FromBackground) => A, fallback: A): Promise<A> =>
      new Promise((answer) => {
        const id = next++
        const timer = setTimeout(() => {
          waiting.delete(id)
          answer(fallback)
        }, ANSWER_MS)
        waiting.set(id, (message) => {
          clearTimeout(timer)
          answer(read(message))
        })
        worker.postMessage({ kind, id } satisfies ToBackground)
      })

    worker.on("message", (message: FromBackground) => {
      switch (message.kind) {
        case "started":
          started = true
          resolve({
            readiness: () =>
              ask("readiness", (m) => (m.kind === "readiness" ? m.checks : []), [{ name: "background thread", ok: false, error: `no answer in ${ANSWER_MS} ms` }]),
            metrics: () => ask("metrics", (m) => (m.kind === "metrics" ? m.text : ""), ""),
            stop: (deadline) =>
              new Promise<void>((done) => {
                stopping = true
                const end = () => {
                  clearTimeout(timer)
                  void worker.terminate().finally(done)
                }
                const timer = setTimeout(end, Math.max(0, deadline - Date.now()))
                stopped = end
                worker.postMessage({ kind: "stop", deadline } satisfies ToBackground)
              })
          })
          break
        case "failed":
          reject(new Error(message.message))
          break
        case "readiness":
        case "metrics":
          waiting.get(message.id)?.(message)
          waiting.delete(message.id)
          break
        case "stopped":
          stopped?.()
          break
      }
    })
    worker.on("error", (error) => (started ? onDeath(String(error)) : reject(error)))
    worker.on("exit", (code) => {
      if (!started) reject(new Error(`the background thread exited with ${code} before it started`))
      else if (!stopping) onDeath(`the background thread exited with ${code}`)
    })
  })

