// When the outbox and its relay make an app not ready: a stopped relay, a relay failing pass after
// pass, an oldest entry older than allowed; a relay standing by while another holds the lease is fine.
import { describe, expect, test } from "bun:test"
import { makeRelayStatus, relayHealth, type RelayStatus } from "@kasa/shared"

const options = { maxAgeMs: 30_000, maxFailures: 3 }
const stats = (oldestAgeMs: number) => ({ pending: oldestAgeMs === 0 ? 0 : 5, oldestAgeMs, dead: 0 })
const status = (overrides: Partial<RelayStatus>): RelayStatus => ({ ...makeRelayStatus(), ...overrides })

describe("relayHealth", () => {
  const cases: ReadonlyArray<{ name: string; status: RelayStatus | undefined; age: number; ok: boolean; reason?: string }> = [
    { name: "active, empty outbox", status: status({ role: "active" }), age: 0, ok: true },
    { name: "standing by", status: status({ role: "standby" }), age: 1_000, ok: true },
    { name: "starting", status: status({}), age: 0, ok: true },
    { name: "no relay here, fresh outbox", status: undefined, age: 29_999, ok: true },
    { name: "a failure or two is backoff, not down", status: status({ role: "active", consecutiveFailures: 2 }), age: 0, ok: true },
    { name: "failing pass after pass", status: status({ role: "active", consecutiveFailures: 3, lastError: "EventBusUnavailable: down" }), age: 0, ok: false, reason: "outbox relay failing (3 passes in a row): EventBusUnavailable: down" },
    { name: "stopped", status: status({ role: "stopped" }), age: 0, ok: false, reason: "outbox relay stopped" },
    { name: "oldest entry too old", status: status({ role: "active" }), age: 30_001, ok: false, reason: "oldest outbox entry is 30001 ms old (limit 30000 ms, 5 pending)" },
    { name: "too old with no relay here", status: undefined, age: 45_000, ok: false, reason: "oldest outbox entry is 45000 ms old (limit 30000 ms, 5 pending)" }
  ]
  for (const c of cases) {
    test(c.name, () => {
      const verdict = relayHealth(c.status, stats(c.age), options)
      expect(verdict.ok).toBe(c.ok)
      if (!verdict.ok) expect(verdict.reason).toBe(c.reason!)
    })
  }
})
