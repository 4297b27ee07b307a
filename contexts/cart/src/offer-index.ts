/**
 * OfferLookup over a list of offers held in memory, indexed once by id: the app builds it from the
 * catalog's data file at start, tests from a fixture list. Looking an offer up is a map read; no
 * I/O happens per request.
 */
import { Effect, Layer } from "effect"
import { OfferLookup, type Offer } from "./ports.ts"

/** The index, or the first offer id that appears twice (a data file to fix, not to guess about). */
export const indexOffers = (
  offers: ReadonlyArray<Offer>
): { readonly ok: true; readonly index: ReadonlyMap<string, Offer> } | { readonly ok: false; readonly duplicate: string } => {
  const index = new Map<string, Offer>()
  for (const offer of offers) {
    if (index.has(offer.offer_id)) return { ok: false, duplicate: offer.offer_id }
    index.set(offer.offer_id, offer)
  }
  return { ok: true, index }
}

export const makeOfferLookup = (index: ReadonlyMap<string, Offer>) =>
  OfferLookup.of({ find: (offerId) => Effect.sync(() => index.get(offerId)) })

/** OfferLookup over `offers`; dies on a duplicate id (a broken fixture or data file). */
export const layerOfferLookup = (offers: ReadonlyArray<Offer>): Layer.Layer<OfferLookup> =>
  Layer.effect(
    OfferLookup,
    Effect.suspend(() => {
      const indexed = indexOffers(offers)
      return indexed.ok ? Effect.succeed(makeOfferLookup(indexed.index)) : Effect.die(new Error(`offer ${indexed.duplicate} is listed twice`))
    })
  )
