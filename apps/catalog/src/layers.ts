/**
 * The catalog's own adapters over the platform's InfraHandles: the product catalog from its data file,
 * StockReservations in memory (embedded, writing into the process's in-memory outbox) or over Redis
 * (distributed, its Lua scripts appending to this app's outbox stream), and the expiry sweeper that
 * releases holds past their deadline every few seconds for as long as the app runs.
 */
import { Context, Duration, Effect, Layer, type Scope } from "effect"
import { ProductCatalog, releaseExpiredReservations, StockReservations } from "@kasa/catalog"
import { makeMemoryStockReservations } from "@kasa/adapter-memory"
import { makeRedisStockReservations, RedisConnection } from "@kasa/adapter-redis"
import { InfraHandles } from "@kasa/app-platform"
import { loadCatalogFile } from "./catalog-file.ts"

export const layerProductCatalog = (file: string | URL) => Layer.effect(ProductCatalog, loadCatalogFile(file))

/** StockReservations by mode, on the process's own store and outbox. */
export const layerStockReservations = Layer.effect(
  StockReservations,
  Effect.gen(function* () {
    const infra = yield* InfraHandles
    if (infra.mode === "embedded") return makeMemoryStockReservations(infra.memory)
    return yield* makeRedisStockReservations({ outboxName: infra.outboxName }).pipe(Effect.provideService(RedisConnection, infra.redis))
  })
)

/**
 * Where the expiry sweeper runs: a scope that lives as long as the app's runtime. The sweeper is forked
 * into it from `onStart`, so it runs with the runtime's full context (logger, tracer) and stops when
 * the runtime is disposed.
 */
export class CatalogBackground extends Context.Service<CatalogBackground, { readonly scope: Scope.Scope }>()("@kasa/app-catalog/CatalogBackground") {}

export const layerCatalogBackground = Layer.effect(CatalogBackground, Effect.map(Effect.scope, (scope) => CatalogBackground.of({ scope })))

/** Releases expired holds every `intervalMs`; a store that does not answer is logged and tried again next round. */
export const expirySweeper = (intervalMs: number) =>
  Effect.forever(
    Effect.sleep(Duration.millis(intervalMs)).pipe(
      Effect.andThen(releaseExpiredReservations()),
      Effect.tap((released) => (released.length === 0 ? Effect.void : Effect.logInfo(`released ${released.length} expired stock reservation(s)`))),
      Effect.catch((error) => Effect.logWarning(`expiry sweep failed: ${error.message}`))
    )
  )

/** Starts the sweeper in the app's background scope. */
export const startExpirySweeper = (intervalMs: number) =>
  Effect.flatMap(CatalogBackground, ({ scope }) => Effect.forkIn(expirySweeper(intervalMs), scope)).pipe(Effect.asVoid)
