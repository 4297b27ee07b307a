/**
 * What a context's own adapters are built on, by mode. Embedded: the process's in-memory state (so a
 * context's memory adapter writes into the same outbox the relay drains). Distributed: the Redis
 * connection and this app's outbox name (so a context's Lua scripts append to the same outbox stream).
 */
import { Context } from "effect"
import type { MemoryStateData } from "@kasa/adapter-memory"
import type { RedisConnection } from "@kasa/adapter-redis"

export class InfraHandles extends Context.Service<
  InfraHandles,
  | { readonly mode: "embedded"; readonly memory: MemoryStateData; readonly outboxName: string }
  | { readonly mode: "distributed"; readonly redis: typeof RedisConnection.Service; readonly outboxName: string }
>()("@kasa/app-platform/InfraHandles") {}
