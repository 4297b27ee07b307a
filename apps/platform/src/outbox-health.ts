/**
 * The outbox as readiness and /metrics see it (SPEC §5, §6): an app is not ready while its relay is
 * stopped or keeps failing, or while the oldest outbox entry is older than OUTBOX_MAX_AGE_MS (events
 * the shopper caused are not reaching the other contexts, whoever's relay is at fault). The backlog,
 * the oldest entry's age, the dead entries and the relay's role are gauges read at scrape time.
 */
import { Effect } from "effect"
import { OutboxBacklog, relayHealth, type RelayHealthOptions, type RelayStatus } from "@kasa/shared"
import type { GaugeFamily } from "@kasa/adapter-telemetry"

export class OutboxNotReady extends Error {
  override readonly name = "OutboxNotReady"
}

/** Fails with the reason while the outbox or its relay is unhealthy; `status` is undefined when this instance runs no relay. */
export const outboxReadiness = (status: RelayStatus | undefined, options: RelayHealthOptions) =>
  Effect.flatMap(OutboxBacklog, (backlog) => backlog.stats).pipe(
    Effect.flatMap((stats) => {
      const verdict = relayHealth(status, stats, options)
      return verdict.ok ? Effect.void : Effect.fail(new OutboxNotReady(verdict.reason))
    })
  )

const roles = ["starting", "active", "standby", "stopped"] as const

/** The outbox gauges of this app; none when the store does not answer (the scrape still succeeds). */
export const outboxGauges = (outbox: string, status: RelayStatus | undefined): Effect.Effect<ReadonlyArray<GaugeFamily>, never, OutboxBacklog> =>
  Effect.flatMap(OutboxBacklog, (backlog) => backlog.stats).pipe(
    Effect.map((stats): ReadonlyArray<GaugeFamily> => [
      { name: "kasa_outbox_pending", help: "Outbox entries not yet published", samples: [{ labels: { outbox }, value: stats.pending }] },
      {
        name: "kasa_outbox_oldest_age_seconds",
        help: "Age of the oldest outbox entry not yet published (0 when none)",
        samples: [{ labels: { outbox }, value: stats.oldestAgeMs / 1000 }]
      },
      { name: "kasa_outbox_dead", help: "Outbox entries set aside as unpublishable", samples: [{ labels: { outbox }, value: stats.dead }] },
      ...(status === undefined
        ? []
        : [
            {
              name: "kasa_outbox_relay_role",
              help: "This instance's relay: 1 for its current role (active holds the outbox lease)",
              samples: roles.map((role) => ({ labels: { outbox, role }, value: status.role === role ? 1 : 0 }))
            },
            {
              name: "kasa_outbox_relay_consecutive_failures",
              help: "Relay passes failed in a row (it backs off between them)",
              samples: [{ labels: { outbox }, value: status.consecutiveFailures }]
            }
          ])
    ]),
    Effect.orElseSucceed(() => [])
  )
