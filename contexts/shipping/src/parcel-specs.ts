/**
 * ParcelSpecs over a table held in memory: the app builds it from the catalog's data file at start,
 * tests from a fixture list. Looking offers up is a map read; no I/O happens per request or event.
 */
import { Effect, Layer } from "effect"
import { ParcelSpecs } from "./ports.ts"
import type { ParcelSpec } from "./shipment.ts"

export const makeParcelSpecs = (table: ReadonlyMap<string, ParcelSpec>) =>
  ParcelSpecs.of({
    specsOf: (offerIds) =>
      Effect.sync(() => {
        const found = new Map<string, ParcelSpec>()
        for (const id of offerIds) {
          const spec = table.get(id)
          if (spec !== undefined) found.set(id, spec)
        }
        return found
      })
  })

/** ParcelSpecs over `[offer_id, spec]` entries (a later entry for the same offer wins). */
export const layerParcelSpecs = (entries: Iterable<readonly [string, ParcelSpec]>): Layer.Layer<ParcelSpecs> =>
  Layer.sync(ParcelSpecs, () => makeParcelSpecs(new Map(entries)))
