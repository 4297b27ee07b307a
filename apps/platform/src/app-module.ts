/**
 * What a context's app contributes to a process: its routes, its OpenAPI paths, its consumers. The
 * stand-alone app mounts one module; `apps/shop` mounts them all in one process (embedded).
 */
import type { Effect, ManagedRuntime, Scope } from "effect"
import type { Hono } from "hono"
import type { EventBus, EventBusAdmin, EventBusUnavailable, OutboxReader, StateStore, Subscription } from "@kasa/shared"
import type { OpenApiPaths } from "./docs.ts"

export type PlatformServices = EventBus | EventBusAdmin | StateStore | OutboxReader

export type AppRuntime = ManagedRuntime.ManagedRuntime<PlatformServices, unknown>

export interface ConsumerSpec {
  readonly group: string
  readonly topics: ReadonlyArray<string>
  readonly start: Effect.Effect<Subscription, EventBusUnavailable, Scope.Scope | EventBus | StateStore>
}

export interface AppModule {
  readonly name: string
  readonly routes?: (runtime: AppRuntime) => Hono
  readonly openApiPaths?: OpenApiPaths
  readonly consumers?: ReadonlyArray<ConsumerSpec>
}
