/**
 * Starting and stopping an app the same way everywhere: configuration, adapters by mode, topic
 * provisioning, the outbox relay, the modules' consumers, the HTTP app (telemetry middleware, health,
 * metrics, docs, the modules' routes) and a stop within SHUTDOWN_TIMEOUT_MS: no new requests,
 * consumers finish and commit, the relay drains the outbox, the runtime (clients, tracer) shuts
 * down; what has not finished by then is aborted (shutdown.ts).
 */
import { Effect, Exit, Fiber, Layer, ManagedRuntime, Scope } from "effect"
import { SqlClient } from "effect/sql"
import { Hono } from "hono"
import { hostname } from "node:os"
import { parentPort, workerData } from "node:worker_threads"
import { defaultRelayMaxFailures, EventBusAdmin, layerAnsweringStore, makeRelayStatus, OutboxLease, redactUrlsIn, relayOnce, runRelay, StateStore, topicSpecs, type Subscription } from "@kasa/shared"
import type { MemoryBroker, MemoryStateData } from "@kasa/adapter-memory"
import { consumerLagGauge, httpTelemetry, layerJsonLogging, layerOtelTracing, PROMETHEUS_CONTENT_TYPE, prometheusText } from "@kasa/adapter-telemetry"
import type { SpanExporter } from "@opentelemetry/sdk-trace-base"
import type { AnyAppModule, ModuleRuntime, PlatformServices } from "./app-module.ts"
import { docsRoutes } from "./docs.ts"
import { type BackgroundThread, type FromBackground, isBackgroundData, startBackgroundThread, type ToBackground } from "./background-thread.ts"
import { niceThisThread } from "./thread-priority.ts"
import { type CheckResult, healthRoutes, mergeResults, type ReadinessCheck, runChecks } from "./health.ts"
import { limitBody, unmatched } from "./http-edges.ts"
import { defaultInstanceId, loadInfraConfig, type InfraConfig } from "./infra-config.ts"
import { outboxGauges, outboxReadiness } from "./outbox-health.ts"
import { runMemoryGovernor } from "./memory-governor.ts"
import { infraLayer } from "./infra-layer.ts"
import { layerRecordsState, overRecords, type RecordsState } from "./records-state.ts"
import { refreshedValue } from "./refreshed-value.ts"
import { settlesWithin, shutdownPlan, stopWithin } from "./shutdown.ts"

const LAG_MAX_AGE_MS = 5_000
const LAG_WAIT_MS = 1_000

export interface AppOptions {
  readonly name: string
  readonly modules: ReadonlyArray<AnyAppModule>
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Embedded only: share one broker and state between several apps in one process (tests). */
  readonly broker?: MemoryBroker
  readonly state?: MemoryStateData
  /** Tests: also export spans here. */
  readonly spanExporter?: SpanExporter
  /** Tests: where JSON log lines go (default stdout). */
  readonly log?: (line: string) => void
  /** Rename topics (tests give each run its own suffix). */
  readonly topicName?: (name: string) => string
  /** Distributed only: prefix of every Redis key (tests isolate runs with it). */
  readonly keyPrefix?: string
  /** Tests: interpose on the StateStore the modules use (e.g. a commit that applies, then fails). */
  readonly wrapStateStore?: (store: StateStore["Service"]) => StateStore["Service"]
  /**
   * What this thread runs of the app: all of it (default); only its HTTP side, its relay and consumers
   * running in `background` (background-thread.ts); or only the relay and consumers (the worker).
   */
  readonly role?: "all" | "requests" | "background"
  readonly background?: Pick<BackgroundThread, "readiness" | "metrics">
}

export interface App {
  readonly config: InfraConfig
  readonly http: Hono
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly runtime: ModuleRuntime<any>
  readonly subscriptions: ReadonlyArray<Subscription>
  /** Graceful, then forced at the deadline (epoch ms; default SHUTDOWN_TIMEOUT_MS from now). */
  readonly stop: (deadline?: number) => Promise<void>
  /** What /health/ready and /metrics say (a background thread answers its main thread with its own). */
  readonly readiness: () => Promise<ReadonlyArray<CheckResult>>
  readonly metricsText: () => Promise<string>
}

export const createApp = async (options: AppOptions): Promise<App> => {
  const loaded = loadInfraConfig(options.env ?? process.env, { serviceName: options.name })
  if (!loaded.ok) throw loaded.error
  const config = loaded.config

  const rawInfra = infraLayer(config, {
    appName: options.name,
    ...(options.broker === undefined ? {} : { broker: options.broker }),
    ...(options.state === undefined ? {} : { state: options.state }),
    keyPrefix: options.keyPrefix ?? config.redisKeyPrefix
  })
  // Commands commit an Idempotency-Key request's answer with their state (idempotent-answer.ts).
  const wrapped = options.wrapStateStore === undefined ? rawInfra : Layer.provideMerge(Layer.effect(StateStore, Effect.map(StateStore, options.wrapStateStore)), rawInfra)
  const infra = Layer.provideMerge(layerAnsweringStore, wrapped)
  const telemetry = Layer.mergeAll(
    layerOtelTracing({
      serviceName: config.serviceName,
      ...(config.otlpEndpoint === undefined ? {} : { otlpEndpoint: config.otlpEndpoint }),
      ...(options.spanExporter === undefined ? {} : { exporter: options.spanExporter })
    }),
    layerJsonLogging({ fields: { service: config.serviceName }, ...(options.log === undefined ? {} : { write: options.log }) })
  )
  // Adapters and modules are built with the tracer and logger in place, so their background fibers log and trace too.
  // Modules that keep records get the SQL side too (records-state.ts): built once, shared by them.
  const recordsSpecs = options.modules.flatMap((module) => (module.records === undefined ? [] : [module.records]))
  const keepsRecords = recordsSpecs.length > 0
  const base = Layer.provideMerge(keepsRecords ? Layer.mergeAll(infra, layerRecordsState(config, options.name, recordsSpecs)) : infra, telemetry)
  const moduleLayers = options.modules.flatMap((module) => (module.layer === undefined ? [] : [module.layer]))
  const layer =
    moduleLayers.length === 0 ? base : Layer.provideMerge(Layer.mergeAll(...(moduleLayers as [Layer.Layer<unknown, unknown, PlatformServices>])), base)
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const runtime = ManagedRuntime.make(layer as Layer.Layer<any, unknown>) as ModuleRuntime<any>

  const rename = options.topicName ?? ((name: string) => name)
  const role = options.role ?? "all"
  // The worker's topics were provisioned by its main thread before it started.
  if (role !== "background") await runtime.runPromise(
    Effect.gen(function* () {
      const admin = yield* EventBusAdmin
      const provisioning = {
        partitions: config.topicPartitions,
        replicationFactor: config.topicReplicationFactor,
        retentionMs: config.topicRetentionMs,
        dlqRetentionMs: config.dlqRetentionMs
      }
      yield* admin.ensureTopics(topicSpecs(provisioning, undefined, rename))
    })
  )

  for (const module of options.modules) if (module.onStart !== undefined) await runtime.runPromise(module.onStart)
  // The relay restarts its passes itself (backoff, defects included); its status feeds readiness and /metrics.
  const runsBackground = role !== "requests"
  const relayStatus = config.outboxRelay === "on" && runsBackground ? makeRelayStatus() : undefined
  const relayOptions = { maxChunkBytes: config.outboxPublishMaxBytes, leaseTtlMs: config.outboxLeaseTtlMs }
  const relay =
    relayStatus === undefined
      ? undefined
      : runtime.runFork(runRelay({ status: relayStatus, ...relayOptions }))
  // The records' outbox has a relay of its own, over the SQL store.
  const recordsRelayStatus = keepsRecords && relayStatus !== undefined ? makeRelayStatus() : undefined
  const recordsRelay = recordsRelayStatus === undefined ? undefined : runtime.runFork(overRecords(runRelay({ status: recordsRelayStatus, ...relayOptions })))
  const consumerScope = await runtime.runPromise(Scope.make())
  // A records consumer commits in SQL: its state, records, events and markers together.
  const consumers = runsBackground
    ? options.modules.flatMap((module) =>
        (module.consumers ?? []).map((consumer) => (consumer.overRecords === true ? { ...consumer, start: overRecords(consumer.start) } : consumer))
      )
    : []
  const subscriptions = await Promise.all(consumers.map((consumer) => runtime.runPromise(Scope.provide(consumerScope)(consumer.start))))

  const checks = (): ReadonlyArray<ReadinessCheck<PlatformServices | RecordsState>> => [
    { name: config.mode === "embedded" ? "bus (memory)" : "kafka", check: Effect.flatMap(EventBusAdmin, (admin) => admin.ping) },
    { name: config.mode === "embedded" ? "store (memory)" : "redis", check: Effect.flatMap(StateStore, (store) => store.get("health:probe")) },
    ...(keepsRecords
      ? [{ name: config.databaseUrl === undefined ? "records (pglite)" : "postgresql", check: overRecords(Effect.flatMap(SqlClient.SqlClient, (sql) => sql`select 1`)) }]
      : []),
    ...subscriptions.map((subscription, i) => ({ name: `consumer ${consumers[i]!.group}`, check: subscription.ready })),
    ...(runsBackground ? [{ name: "outbox", check: outboxReadiness(relayStatus, { maxAgeMs: config.outboxMaxAgeMs, maxFailures: defaultRelayMaxFailures }) }] : []),
    ...(keepsRecords && runsBackground
      ? [{ name: "outbox (records)", check: overRecords(outboxReadiness(recordsRelayStatus, { maxAgeMs: config.outboxMaxAgeMs, maxFailures: defaultRelayMaxFailures })) }]
      : [])
  ]

  const http = new Hono()
  http.use(httpTelemetry({ runtime }))
  http.use(limitBody(http, config.maxBodyBytes))
  http.notFound(unmatched(http))
  /** This thread's checks, and the background thread's where the relay and consumers run there. */
  const readiness = async () => {
    const own = await runtime.runPromise(runChecks(checks()))
    return options.background === undefined ? own : mergeResults(own, await options.background.readiness())
  }
  http.route("/", healthRoutes(readiness))
  // Lag asks the broker's admin API about every group: once per LAG_MAX_AGE_MS at most, however often
  // Prometheus scrapes, and a scrape never waits on the broker longer than LAG_WAIT_MS.
  const lag = refreshedValue(
    Effect.forEach(consumers, (consumer) =>
      Effect.flatMap(EventBusAdmin, (admin) => admin.groupLag(consumer.group, consumer.topics.map(rename))).pipe(
        Effect.map((rows) => ({ group: consumer.group, lag: rows })),
        Effect.orElseSucceed(() => ({ group: consumer.group, lag: [] }))
      )
    ),
    [],
    { maxAgeMs: LAG_MAX_AGE_MS, waitMs: LAG_WAIT_MS }
  )
  /** This thread's metrics (the outbox and lag gauges only where the relay and consumers run), then the background thread's. */
  const metricsText = async () => {
    const gauges = runsBackground
      ? [
          consumerLagGauge(await runtime.runPromise(lag)),
          ...(await runtime.runPromise(outboxGauges(options.name, relayStatus))),
          ...(keepsRecords ? await runtime.runPromise(overRecords(outboxGauges(`${options.name}-records`, recordsRelayStatus))) : [])
        ]
      : []
    const own = await runtime.runPromise(prometheusText(gauges))
    return options.background === undefined ? own : own + (await options.background.metrics())
  }
  http.get("/metrics", async (c) => c.body(await metricsText(), 200, { "content-type": PROMETHEUS_CONTENT_TYPE }))
  const paths = Object.assign({}, ...options.modules.map((module) => module.openApiPaths ?? {}))
  http.route("/", docsRoutes(`Kasa ${options.name}`, () => paths))
  for (const module of options.modules) if (module.routes !== undefined) http.route("/", module.routes(runtime))

  let stopped: Promise<void> | undefined
  const stop = (deadline = Date.now() + config.shutdownTimeoutMs) =>
    (stopped ??= (async () => {
      const plan = shutdownPlan(deadline - Date.now())
      const graceful = Effect.gen(function* () {
        yield* Scope.close(consumerScope, Exit.void)
        // Each relay drains its outbox; the drain took the lease again: give it up, so another instance relays at once, not when it lapses.
        const drain = Effect.andThen(
          Effect.ignore(Effect.repeat(relayOnce(relayOptions), { while: (published) => published > 0 })),
          Effect.ignore(Effect.flatMap(OutboxLease, (lease) => lease.release))
        )
        if (relay !== undefined) {
          yield* Fiber.interrupt(relay)
          yield* drain
        }
        if (recordsRelay !== undefined) {
          yield* Fiber.interrupt(recordsRelay)
          yield* overRecords(drain)
        }
      })
      const abort = Effect.forEach(subscriptions, (subscription) => subscription.abort, { concurrency: "unbounded", discard: true })
      await runtime.runPromise(stopWithin(plan, { graceful, abort }))
      await settlesWithin(runtime.dispose(), deadline - Date.now())
    })())

  return { config, http, runtime, subscriptions, stop, readiness, metricsText }
}

/** A served thread's memory governor (memory-governor.ts); apps made in tests run without one. */
const governMemory = (app: App) => app.runtime.runFork(runMemoryGovernor({ growthBytes: app.config.memoryCollectGrowthMb * 1024 * 1024 }))

/**
 * Serves an app over HTTP until SIGTERM/SIGINT, then stops it: gracefully while SHUTDOWN_TIMEOUT_MS
 * allows, forced after, and the process exits within that time whatever is still running.
 */
export const serveApp = async (options: AppOptions): Promise<void> => {
  if (isBackgroundData(workerData)) return serveBackground(options, workerData.env)
  let app: App
  const given = options.env ?? process.env
  const instanceId = defaultInstanceId(given, hostname())
  const env = instanceId === undefined ? given : { ...given, INSTANCE_ID: instanceId }
  const loaded = loadInfraConfig(env, { serviceName: options.name })
  // PGlite lives in one thread's memory (or one process's folder): an app keeping records without
  // DATABASE_URL runs its relay and consumers on the request thread, where its database is.
  const recordsInProcess = loaded.ok && loaded.config.databaseUrl === undefined && options.modules.some((module) => module.records !== undefined)
  const threaded = loaded.ok && loaded.config.mode === "distributed" && loaded.config.backgroundWork === "thread" && !recordsInProcess
  // Started once the topics are provisioned; until then its readiness check says so.
  let background: BackgroundThread | undefined
  const cannotStart = (error: unknown): never => {
    // A driver's message may quote a connection string: never print its credentials.
    console.error(`${options.name}: cannot start: ${redactUrlsIn(error instanceof Error ? error.message : String(error))}`)
    process.exit(1)
  }
  try {
    app = await createApp({
      ...options,
      env,
      ...(threaded
        ? {
            role: "requests" as const,
            background: {
              readiness: () => background?.readiness() ?? Promise.resolve([{ name: "background thread", ok: false, error: "starting" }]),
              metrics: () => background?.metrics() ?? Promise.resolve("")
            }
          }
        : {})
    })
    if (threaded) {
      background = await startBackgroundThread(Bun.main, env, (reason) => {
        console.error(JSON.stringify({ level: "ERROR", message: `${options.name}: its background thread (relay and consumers) died; exiting`, reason }))
        process.exit(1)
      })
      console.log(JSON.stringify({ level: "INFO", message: `${options.name}: relay and consumers run in a background thread` }))
    }
  } catch (error) {
    return cannotStart(error)
  }
  const governor = governMemory(app)
  const server = Bun.serve({ port: app.config.port, fetch: app.http.fetch })
  console.log(JSON.stringify({ level: "INFO", message: `${options.name} listening`, url: server.url.href, mode: app.config.mode }))
  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    const timeoutMs = app.config.shutdownTimeoutMs
    // The orderly stop ends a little before the backstop below, so it is the one that exits.
    const deadline = Date.now() + timeoutMs - Math.min(250, timeoutMs / 10)
    console.log(JSON.stringify({ level: "INFO", message: `${options.name} stopping`, signal, timeout_ms: timeoutMs }))
    setTimeout(() => {
      console.error(JSON.stringify({ level: "ERROR", message: `${options.name} did not stop within ${timeoutMs} ms; exiting` }))
      process.exit(1)
    }, timeoutMs)
    // Requests in flight get the graceful share of the time; then their connections are cut.
    if (!(await settlesWithin(server.stop(), shutdownPlan(timeoutMs).gracefulMs))) void server.stop(true)
    governor.interruptUnsafe()
    await app.stop(deadline)
    await background?.stop(deadline)
    process.exit(0)
  }
  process.on("SIGTERM", () => void shutdown("SIGTERM"))
  process.on("SIGINT", () => void shutdown("SIGINT"))
}

/**
 * The worker side of BACKGROUND_WORK=thread: the app's relay and consumers, started from the same
 * entry file as its main thread, answering it over background-thread.ts's protocol.
 */
const serveBackground = async (options: AppOptions, env: Readonly<Record<string, string | undefined>>): Promise<void> => {
  const port = parentPort!
  const tell = (message: FromBackground) => port.postMessage(message)
  let app: App
  try {
    app = await createApp({ ...options, env, role: "background" })
  } catch (error) {
    return tell({ kind: "failed", message: redactUrlsIn(error instanceof Error ? error.message : String(error)) })
  }
  const governor = governMemory(app)
  port.on("message", (message: ToBackground) => {
    switch (message.kind) {
      case "readiness":
        void app.readiness().then((checks) => tell({ kind: "readiness", id: message.id, checks }))
        break
      case "metrics":
        void app.metricsText().then((text) => tell({ kind: "metrics", id: message.id, text }))
        break
      case "stop":
        governor.interruptUnsafe()
        void app.stop(message.deadline).finally(() => tell({ kind: "stopped" }))
        break
    }
  })
  // Requests first when the cores are busy (thread-priority.ts); where the system refuses, as it was.
  niceThisThread(app.config.backgroundNice)
  tell({ kind: "started" })
}
