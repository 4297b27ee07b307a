/**
 * The sandbox's webhook secret. Distributed, every instance of the payment app must verify what any
 * of them signed, so the secret is configuration (`SANDBOX_WEBHOOK_SECRET`); the embedded shop is one
 * process, which may sign with a secret of its own made at start (never a fixed one in the code: a
 * well-known secret would let anyone forge "paid").
 */
import { type ConfigOf, optional, string } from "@kasa/shared/config"

export const SANDBOX_WEBHOOK_SECRET = "SANDBOX_WEBHOOK_SECRET"

/** The sandbox's configuration: `loadConfig(sandboxConfig, env)`. */
export const sandboxConfig = { secret: optional(string(SANDBOX_WEBHOOK_SECRET)) }
export type SandboxConfig = ConfigOf<typeof sandboxConfig>

/** 32 random bytes as hex: a secret for one process (embedded mode). */
export const randomSandboxSecret = (): string => {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")
}

