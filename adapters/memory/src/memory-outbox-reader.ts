/**
 * The relay's view of the in-memory outbox (the embedded mode): the entries `MemoryStateData.commit`
 * appended, oldest first, removed once the bus acknowledged them; a wait wakes on the next commit
 * that adds events.
 */
import { Effect } from "effect"
import { OutboxReader } from "@kasa/shared"
import type { MemoryStateData } from "./memory-state-store.ts"

export const makeMemoryOutboxReader = (data: MemoryStateData) =>
  OutboxReader.of({
    pending: (max) => Effect.sync(() => data.outbox.slice(0, max)),
    acknowledge: (ids) =>
      Effect.sync(() => {
        const acknowledged = new Set(ids)
        let drop = 0
        while (drop < data.outbox.length && acknowledged.has(data.outbox[drop]!.id)) drop++
        data.outbox.splice(0, drop)
        if (drop < ids.length) {
          const rest = data.outbox.filter((entry) => !acknowledged.has(entry.id))
          data.outbox.splice(0, data.outbox.length, ...rest)
        }
      }),
    waitForPending: (timeoutMs) => Effect.promise(() => data.waitForOutbox(timeoutMs))
  })
