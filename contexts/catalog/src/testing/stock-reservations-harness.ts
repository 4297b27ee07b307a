/**
 * What the StockReservations contract's cases share: the harness a backend provides (the port opened
 * as one process over a named space) and the probes the cases read the port and its outbox with.
 */
import { Effect } from "effect"
import type { Scope } from "effect"
import { type Envelope, OutboxReader } from "@kasa/shared"
import { type ContractCase, type OpenHarness, type Opened, withOpened } from "@kasa/shared/testing/contract"
import { StockReservations } from "../ports.ts"
import type { ReserveRequest } from "../reservation.ts"

/** The port as one process sees it; several opened on the same space share their data, as processes over one server do. */
export type OpenReservations = Opened<StockReservations | OutboxReader>

/** Opens the port (fresh connections) over the data named `space`, with its own outbox; names spaces, offers and orders. */
export type StockReservationsHarness = OpenHarness<StockReservations | OutboxReader>

export type StockReservationsCase = ContractCase<StockReservationsHarness>

/** Runs `body` in a fresh space of its own. */
export const inFreshSpace = <A>(h: StockReservationsHarness, body: Effect.Effect<A, unknown, StockReservations | OutboxReader | Scope.Scope>) =>
  withOpened(h, h.name("space"), (s) => s.run(body))

/**
 * Runs `body` in a fresh space with the port and fresh offers (named a, b, … in order) seeded with
 * `units` each: the start most cases share.
 */
export const withSeeded = <const U extends ReadonlyArray<number>, A>(
  h: StockReservationsHarness,
  units: U,
  body: (stock: StockReservations["Service"], offers: { readonly [K in keyof U]: string }) => Effect.Effect<A, unknown, StockReservations | OutboxReader | Scope.Scope>
) =>
  inFreshSpace(
    h,
    Effect.gen(function* () {
      const stock = yield* StockReservations
      const offers = units.map((_, i) => h.name(String.fromCharCode(97 + i)))
      yield* stock.seed(offers.map((offer_id, i) => ({ offer_id, stock: units[i]! })))
      return yield* body(stock, offers as unknown as { readonly [K in keyof U]: string })
    })
  )

export const request = (orderId: string, lines: ReserveRequest["lines"], extra: Partial<ReserveRequest> = {}): ReserveRequest => ({
  orderId,
  sessionId: `sess_${orderId}`,
  correlationId: `corr_${orderId}`,
  lines,
  ttlSeconds: 900,
  ...extra
})

export const levels = (offerIds: ReadonlyArray<string>) => Effect.flatMap(StockReservations, (s) => Effect.map(s.stock(offerIds), (found) => found.map((l) => l.stock)))

/** The envelopes waiting in this process's outbox, oldest first. */
export const published = Effect.flatMap(OutboxReader, (outbox) => Effect.map(outbox.pending(10_000), (pending) => pending.map((p) => p.event)))

export const names = (events: ReadonlyArray<{ readonly envelope: Envelope }>) => events.map((e) => e.envelope.event_name)

export const sorted = (ids: ReadonlyArray<string>) => [...ids].sort()

