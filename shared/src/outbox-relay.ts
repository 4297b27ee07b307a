/**
 * The outbox relay: publishes what the outbox holds to the EventBus, oldest first, and acknowledges
 * (trims) only what the bus acknowledged, so a crash repeats a publication and never loses one
 * (SPEC §5). One relay at a time per outbox: a pass publishes only while this process holds the
 * outbox's lease, so replicas of an app do not publish every event once each. A batch goes out in
 * chunks under the broker's request size limit. An entry that can never be published (unreadable,
 * or not encodable) is set aside in the outbox's dead place, counted and logged, instead of blocking
 * every entry behind it. `runRelay` never dies of a failure or a defect: each pass is retried on a
 * capped exponential Schedule, and its status tells readiness when it is failing or stopped; a relay
 * failing pass after pass gives its lease up, so a healthier instance may take the outbox over.
 */
import { Clock, Effect, Schedule, Schema } from "effect"
import { Headers } from "./envelope.ts"
import { EventBus, type EventBusUnavailable } from "./event-bus.ts"
import { countPublished, countSetAside } from "./metrics.ts"
import { OutboxBacklog } from "./outbox-backlog.ts"
import { OutboxLease } from "./outbox-lease.ts"
import { chunkBySize, defaultMaxChunkBytes, messageBytes } from "./outbox-relay-chunks.ts"
import { openProducerSpan } from "./outbox-relay-spans.ts"
import { defaultRelayMaxFailures, makeRelayStatus, type RelayStatus } from "./outbox-relay-status.ts"
import { OutboxReader, type PendingEvent, toBusMessage } from "./outbox.ts"
import type { StoreUnavailable } from "./state-store.ts"

export interface RelayOptions {
  readonly maxBatch?: number
  /** Longest sleep when the outbox looks empty (the store also wakes the relay on writes). */
  readonly idleWaitMs?: number
  /** Most bytes in one publish (default 768 KiB, under the broker's 1 MiB default). */
  readonly maxChunkBytes?: number
  /** How long the lease lives without renewal: a dead holder is replaced within about this long. */
  readonly leaseTtlMs?: number
  /** Updated in place as the relay runs (readiness and /metrics read it). */
  readonly status?: RelayStatus
}

export const defaultLeaseTtlMs = 5_000

/**
 * Most entries one pass reads. Redis builds a read's whole reply while every other client waits: a relay
 * that had fallen behind read 500 entries of about 2.5 KB (1.3 MB) at once, and Redis's slow log of the
 * whole shop at one connection showed those reads taking 7-19 ms, requests waiting behind them. At 100
 * a read is a fifth of that, and the pass after follows at once while entries remain.
 */
export const defaultRelayMaxBatch = 100

/** A defect (a thrown error) in a relay pass, made a typed failure so it is retried like any other. */
export class RelayDefect extends Schema.TaggedError<RelayDefect>()("RelayDefect", { message: Schema.String }) {}

export type RelayError = StoreUnavailable | EventBusUnavailable

/** Backoff between failed passes: 50 ms doubling, at most 5 s, jittered. */
export const relayBackoff = Schedule.min([Schedule.exponential("50 millis"), Schedule.spaced("5 seconds")]).pipe(Schedule.jittered)

const settingsOf = (options: RelayOptions | number) => {
  const o = typeof options === "number" ? { maxBatch: options } : options
  const leaseTtlMs = o.leaseTtlMs ?? defaultLeaseTtlMs
  return {
    maxBatch: o.maxBatch ?? defaultRelayMaxBatch,
    // The relay renews its lease between passes, so it never idles for as long as the lease lives.
    idleWaitMs: Math.min(o.idleWaitMs ?? 1_000, leaseTtlMs / 2),
    maxChunkBytes: o.maxChunkBytes ?? defaultMaxChunkBytes,
    leaseTtlMs,
    status: o.status ?? makeRelayStatus()
  }
}

type Settings = ReturnType<typeof settingsOf>

/** Takes or renews the lease unless it was renewed within the last third of its life; true while held. */
const holdLease = (settings: Settings) =>
  Effect.gen(function* () {
    const { status, leaseTtlMs } = settings
    const now = yield* Clock.currentTimeMillis
    if (status.leaseRenewedAt !== undefined && now - status.leaseRenewedAt < leaseTtlMs / 3) return true
    const lease = yield* OutboxLease
    const held = yield* lease.hold(leaseTtlMs)
    status.leaseRenewedAt = held ? now : undefined
    status.role = held ? "active" : "standby"
    return held
  })

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error))

const setAside = (id: string, reason: string, kind: "unreadable" | "unencodable") =>
  Effect.gen(function* () {
    const backlog = yield* OutboxBacklog
    const moved = yield* backlog.setAside(id, reason)
    if (!moved) return
    yield* countSetAside(kind)
    yield* Effect.logError("outbox entry set aside", { id, reason })
  })

/** The bus message of an entry, or the reason it has none (a defect of the encoder, e.g. a BigInt in a payload). */
const messageOf = (pending: PendingEvent) =>
  Effect.try({ try: () => toBusMessage(pending.event), catch: describe }).pipe(Effect.result)

/**
 * One pass: while holding the lease, publish up to `maxBatch` pending events in size-bounded chunks
 * and set aside the entries that cannot be published. Returns how many entries it dealt with (0 when
 * another instance holds the lease).
 */
export const relayOnce = (options: RelayOptions | number = {}): Effect.Effect<number, RelayError, EventBus | OutboxReader | OutboxLease | OutboxBacklog> =>
  Effect.gen(function* () {
    const settings = settingsOf(options)
    if (!(yield* holdLease(settings))) return 0
    const reader = yield* OutboxReader
    const bus = yield* EventBus
    const read = yield* Effect.result(reader.pending(settings.maxBatch))
    if (read._tag === "Failure") {
      if (read.failure._tag === "StoreUnavailable") return yield* read.failure
      yield* setAside(read.failure.id, read.failure.reason, "unreadable")
      return 1
    }
    const pending = read.success
    const ready: Array<{ readonly pending: PendingEvent; readonly message: ReturnType<typeof toBusMessage> }> = []
    for (const entry of pending) {
      const message = yield* messageOf(entry)
      if (message._tag === "Failure") yield* setAside(entry.id, `cannot be encoded: ${message.failure}`, "unencodable")
      else ready.push({ pending: entry, message: message.success })
    }
    for (const chunk of chunkBySize(ready, (item) => messageBytes(item.message), settings.maxChunkBytes)) {
      // Publish and acknowledge only while holding the lease; a lost lease leaves the rest to the new holder.
      if (!(yield* holdLease(settings))) break
      const sends = yield* Effect.forEach(chunk, (item) => openProducerSpan(item.pending, item.message))
      const published = yield* Effect.exit(bus.publish(sends.map((send) => send.message)))
      const ended = yield* Clock.currentTimeNanos
      for (const send of sends) send.span.end(ended, published)
      if (published._tag === "Failure") return yield* Effect.failCause(published.cause)
      yield* reader.acknowledge(chunk.map((item) => item.pending.id))
      for (const item of chunk) yield* countPublished(item.message.topic, item.message.headers[Headers.eventName] ?? "unknown")
    }
    return pending.length
  })

/**
 * Runs until interrupted: relays while holding the lease, stands by while another instance holds it.
 * A failed pass (bus or store down) or a defect is logged, counted in the status and retried with
 * backoff; the lease is given up when the relay stops.
 */
export const runRelay = (options: RelayOptions = {}): Effect.Effect<never, never, EventBus | OutboxReader | OutboxLease | OutboxBacklog> =>
  Effect.gen(function* () {
    const settings = settingsOf(options)
    const { status } = settings
    const reader = yield* OutboxReader
    const lease = yield* OutboxLease
    const pass = relayOnce(settings).pipe(
      Effect.catchDefect((defect) => Effect.fail(new RelayDefect({ message: describe(defect) }))),
      Effect.tapError((error) =>
        Effect.suspend(() => {
          status.consecutiveFailures++
          status.lastError = `${error._tag}: ${error.message}`
          const logged = Effect.logWarning("outbox relay failed; backing off", { error: status.lastError, failures: status.consecutiveFailures })
          if (status.consecutiveFailures < defaultRelayMaxFailures || status.leaseRenewedAt === undefined) return logged
          // Failing pass after pass: let another instance (whose bus or store may answer) take the outbox over.
          status.leaseRenewedAt = undefined
          return Effect.andThen(logged, Effect.ignore(lease.release))
        })
      ),
      Effect.retry(relayBackoff),
      // The backoff never gives up; should it ever, the next pass starts afresh.
      Effect.orElseSucceed(() => 0),
      Effect.tap(() =>
        Effect.sync(() => {
          status.consecutiveFailures = 0
          status.lastError = undefined
        })
      )
    )
    return yield* Effect.forever(
      Effect.gen(function* () {
        const handled = yield* pass
        if (status.role === "standby") yield* Effect.sleep(settings.leaseTtlMs / 3)
        else if (handled < settings.maxBatch) yield* Effect.ignore(reader.waitForPending(settings.idleWaitMs))
      })
    ).pipe(
      Effect.ensuring(
        Effect.andThen(
          Effect.sync(() => {
            status.role = "stopped"
            status.leaseRenewedAt = undefined
          }),
          Effect.ignore(lease.release)
        )
      )
    )
  })
