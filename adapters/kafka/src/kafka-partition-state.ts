/**
 * What a group member knows about one partition it consumes: whether the current generation assigned
 * it, where to fetch next, the records read ahead but not yet handed to the handler, and whether a
 * batch of it is with the handler right now (one at a time: a partition is strictly sequential).
 */
import type { DeliveredMessage } from "@kasa/shared"

export interface PartitionState {
  readonly topic: string
  readonly partition: number
  /** Assigned to this member in the current generation. */
  owned: boolean
  /** Next offset to fetch; undefined until the start position is known. */
  fetchOffset: bigint | undefined
  /** Records read ahead; `head` is the first one not yet handed out. */
  queue: Array<DeliveredMessage>
  head: number
  /** A batch is with the handler or being committed. */
  busy: boolean
  interrupt: (() => void) | undefined
}

export const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`

export const newPartitionState = (topic: string, partition: number): PartitionState => ({
  topic,
  partition,
  owned: false,
  fetchOffset: undefined,
  queue: [],
  head: 0,
  busy: false,
  interrupt: undefined
})

export const queued = (state: PartitionState): number => state.queue.length - state.head

/** Forgets the position and everything read ahead (the handler's batch in hand is not affected). */
export const forget = (state: PartitionState): void => {
  state.fetchOffset = undefined
  state.queue = []
  state.head = 0
}

/** Takes up to `max` records off the front of the read-ahead queue, copying only when it must. */
export const takeBatch = (state: PartitionState, max: number): Array<DeliveredMessage> => {
  const end = Math.min(state.queue.length, state.head + max)
  if (state.head === 0 && end === state.queue.length) {
    const all = state.queue
    state.queue = []
    return all
  }
  const batch = state.queue.slice(state.head, end)
  state.head = end
  if (state.head === state.queue.length) {
    state.queue = []
    state.head = 0
  }
  return batch
}
