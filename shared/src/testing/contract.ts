/**
 * The contract kit: what every contract suite (StateStore, EventBus, relay, and each context's store
 * ports) shares, so a contract file holds only its cases and a runner file only its backend. A port
 * is opened as one process would open it (`Opened`), over a named space that several opens share as
 * processes over one server do (`OpenHarness`); a case is a name and a function of the harness; one
 * runner registers a contract's cases with the test runner it is handed, so the kit stays
 * framework-free (it also runs on Deno) while every backend registers its cases the same way.
 */
import { Effect, type Layer, ManagedRuntime } from "effect"
import type { Scope } from "effect"

/** A port as one process sees it: effects run over its own connections; `close` is that process stopping (or crashing). */
export interface Opened<R> {
  readonly run: <A, E>(effect: Effect.Effect<A, E, R | Scope.Scope>) => Promise<A>
  readonly close: () => Promise<void>
}

/** Opens a port (fresh connections) over the data named `space`; opens of one space share it. */
export interface OpenHarness<R> {
  readonly open: (space: string) => Promise<Opened<R>>
  /** A name (for spaces, keys, groups) no other case uses. */
  readonly name: (base: string) => string
}

/** One case of a contract: every backend runs it unchanged. */
export interface ContractCase<H> {
  readonly name: string
  readonly run: (harness: H) => Promise<void>
}

/** Opens a port over `space`, runs `body` with it, and closes it whatever happens. */
export const withOpened = async <R, A>(h: OpenHarness<R>, space: string, body: (opened: Opened<R>) => Promise<A>): Promise<A> => {
  const opened = await h.open(space)
  try {
    return await body(opened)
  } finally {
    await opened.close()
  }
}

/** `layer` built as one process: built now (so an unreachable server fails the open, not the first case), disposed on close. */
export const openLayer = async <R, E>(layer: Layer.Layer<R, E>): Promise<Opened<R>> => {
  const runtime = ManagedRuntime.make(layer)
  await runtime.runPromise(Effect.void)
  return { run: (effect) => runtime.runPromise(Effect.scoped(effect)), close: () => runtime.dispose() }
}

/** The data of each space, made on first use and shared by every later open of it (an in-memory backend's "one server"). */
export const spaces = <D>(make: () => D): ((space: string) => D) => {
  const made = new Map<string, D>()
  return (space) => {
    const found = made.get(space) ?? make()
    made.set(space, found)
    return found
  }
}

/** Names no other case of this run uses: `prefix` + base + a counter. */
export const uniqueNames = (prefix = ""): ((base: string) => string) => {
  let n = 0
  return (base) => `${prefix}${base}-${++n}`
}

/** The two functions of a test runner the kit registers cases with (bun:test's `describe` and `test` fit). */
export interface TestRunner {
  readonly describe: (title: string, body: () => void) => void
  readonly test: (name: string, body: () => Promise<void>, timeoutMs?: number) => void
}

/** Registers every case of `cases` under `title`, each run against `harness`. */
export const runContract = <H>(runner: TestRunner, title: string, cases: ReadonlyArray<ContractCase<H>>, harness: H, timeoutMs = 60_000): void =>
  runner.describe(title, () => {
    for (const c of cases) runner.test(c.name, () => c.run(harness), timeoutMs)
  })
