/**
 * What the relay tells readiness and /metrics about itself (SPEC §5): whether it runs, holds the
 * outbox's lease or stands by, and how many passes in a row failed. The relay updates one live
 * status object in place (it is the relay's report, read by whoever asks); `relayHealth` turns it
 * and the outbox's backlog into a verdict, a pure function with a table-driven test.
 */
import type { OutboxStats } from "./outbox-backlog.ts"

export interface RelayStatus {
  /** starting: no pass yet; active: holds the lease; standby: another instance holds it; stopped: the relay fiber ended. */
  role: "starting" | "active" | "standby" | "stopped"
  consecutiveFailures: number
  lastError: string | undefined
  /** When this relay last took or renewed the lease (epoch ms), if it holds it. */
  leaseRenewedAt: number | undefined
}

export const makeRelayStatus = (): RelayStatus => ({ role: "starting", consecutiveFailures: 0, lastError: undefined, leaseRenewedAt: undefined })

export interface RelayHealthOptions {
  /** The oldest pending entry may be this old before the app reports not ready. */
  readonly maxAgeMs: number
  /** Failed passes in a row after which the relay counts as down (it is backing off). */
  readonly maxFailures: number
}

export const defaultOutboxMaxAgeMs = 30_000
export const defaultRelayMaxFailures = 3

export type RelayHealth = { readonly ok: true } | { readonly ok: false; readonly reason: string }

/** Ready unless the relay stopped, keeps failing, or the outbox holds an entry older than allowed. */
export const relayHealth = (status: RelayStatus | undefined, stats: OutboxStats, options: RelayHealthOptions): RelayHealth => {
  if (status?.role === "stopped") return { ok: false, reason: "outbox relay stopped" }
  if (status !== undefined && status.consecutiveFailures >= options.maxFailures) {
    return { ok: false, reason: `outbox relay failing (${status.consecutiveFailures} passes in a row): ${status.lastError ?? "unknown"}` }
  }
  if (stats.oldestAgeMs > options.maxAgeMs) {
    return { ok: false, reason: `oldest outbox entry is ${stats.oldestAgeMs} ms old (limit ${options.maxAgeMs} ms, ${stats.pending} pending)` }
  }
  return { ok: true }
}
