/**
 * One relay at a time per outbox (SPEC §5): several instances of an app share one outbox, and if each
 * relayed it every event would be published once per instance. The relay holds a lease with a time
 * to live and renews it while it works; another instance takes over once the holder stops renewing
 * (it died or hangs), so the outbox is never without a relay for longer than the lease lives.
 */
import { Context, type Effect } from "effect"
import type { StoreUnavailable } from "./state-store.ts"

export class OutboxLease extends Context.Service<
  OutboxLease,
  {
    /** Who this process is to the lease (random per process, so a restart is a new holder). */
    readonly holder: string
    /** Takes the lease when it is free, renews it when this holder has it; true while it is held. */
    readonly hold: (ttlMs: number) => Effect.Effect<boolean, StoreUnavailable>
    /** Gives the lease up if this holder has it, so another instance takes over at once. */
    readonly release: Effect.Effect<void, StoreUnavailable>
  }
>()("@kasa/shared/OutboxLease") {}
