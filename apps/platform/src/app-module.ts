/**
 * What a context's app contributes to a process: its own adapters (a Layer over the platform's ports
 * and InfraHandles), its routes, its OpenAPI paths, its consumers. The stand-alone app mounts one
 * module; `apps/shop` mounts them all in one process (embedded).
 */
import type { Effect, Layer, ManagedRuntime, Scope } from "effect"
import type { Hono } from "hono"
import {
  type ConsumerOptions,
  type EventBus,
  type EventBusAdmin,
  type EventBusUnavailable,
  type OutboxBacklog,
  type OutboxLease,
  type OutboxReader,
  runConsumer,
  type StateStore,
  type Subscription
} from "@kasa/shared"
import type { OpenApiPaths } from "./docs.ts"
import type { InfraHandles } from "./infra-handles.ts"
import type { RecordsSpec, RecordsState } from "./records-state.ts"
import type { SessionTokens } from "./session-token.ts"

export type PlatformServices = EventBus | EventBusAdmin | StateStore | OutboxReader | OutboxLease | OutboxBacklog | InfraHandles | SessionTokens

/** The process's runtime as a module sees it: the platform's services plus its own. */
export type ModuleRuntime<R> = ManagedRuntime.ManagedRuntime<PlatformServices | R, unknown>

export type AppRuntime = ModuleRuntime<never>

export interface ConsumerSpec<R = never> {
  readonly group: string
  readonly topics: ReadonlyArray<string>
  readonly start: Effect.Effect<Subscription, EventBusUnavailable, Scope.Scope | EventBus | StateStore | R>
  /** Commits over the records' SQL store (records-state.ts) instead of the key-value one. */
  readonly overRecords?: boolean
}

/**
 * A context's consumer as a module mounts it: its group and topics, started on the kernel's runtime;
 * `overRecords`: its state, events and markers commit in the records' SQL database (a records module's
 * consumer of orders), not in the key-value store (a session's working state).
 */
export const consumerSpec = <E, R>(
  consumer: ConsumerOptions<E, R>,
  options: { readonly overRecords?: boolean } = {}
): ConsumerSpec<Exclude<R, StateStore | EventBus | Scope.Scope>> => ({
  group: consumer.group,
  topics: consumer.topics,
  // The kernel's own services are the runtime's; what is left is the module's.
  start: runConsumer(consumer) as ConsumerSpec<Exclude<R, StateStore | EventBus | Scope.Scope>>["start"],
  ...(options.overRecords === true ? { overRecords: true } : {})
})

export interface AppModule<R = never> {
  readonly name: string
  /** The context's own adapters, built once at start over the platform's services. */
  readonly layer?: Layer.Layer<R, unknown, PlatformServices | RecordsState>
  readonly routes?: (runtime: ModuleRuntime<R>) => Hono
  readonly openApiPaths?: OpenApiPaths
  readonly consumers?: ReadonlyArray<ConsumerSpec<R>>
  /**
   * A module that keeps the shop's records (payment, order): its migrations run at start; its
   * consumers marked `overRecords` commit over the records' SQL store (records-state.ts); its layer
   * may build on `RecordsState` (`layerFromRecords`) for its use cases to do the same.
   */
  readonly records?: RecordsSpec
  /** Runs once after start (e.g. seeding stock levels), before the app reports ready. */
  readonly onStart?: Effect.Effect<void, unknown, PlatformServices | R>
}

/** Any module, for lists of heterogeneous modules. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAppModule = AppModule<any>
