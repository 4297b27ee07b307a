/**
 * How long session-scoped working state lives without activity (SPEC §2, `SESSION_TTL_SECONDS`):
 * every context's store writes its session keys with this lifetime, refreshed on each write, so no
 * store grows without bound. A reference with the spec's default, so a store built without the
 * platform (a unit test, a script) still expires what it writes; the platform provides the
 * configured value.
 */
import { Context } from "effect"

/** 30 days: SPEC §2's default. */
export const DEFAULT_SESSION_TTL_SECONDS = 30 * 24 * 60 * 60

export const SessionTtl = Context.Reference<number>("@kasa/shared/SessionTtl", { defaultValue: () => DEFAULT_SESSION_TTL_SECONDS })
