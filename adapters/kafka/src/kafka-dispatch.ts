/**
 * The dispatch half of a group member: the partitions it holds, each handed to the handler one batch
 * at a time in offset order (partitions concurrently), a batch's offset committed only after the
 * handler finished, and a way to wait until no batch is in hand and no offset is left uncommitted
 * (the revocation point and a graceful stop need it). Offsets are committed together: handled offsets
 * gather for up to `commitIntervalMs` (at once when someone waits for the member to be idle), then one
 * commit carries the latest handled offset of every partition that moved, with at most one commit in
 * flight per member; a partition's next batch does not wait for its commit (the handler's effects are
 * already stored and its markers make a redelivery a no-op). Committing each batch on its own, and
 * waiting for it, put a commit round trip between any two batches of a partition and, on the whole
 * shop with its consumers keeping up (a batch of one or two records per group per add), cost about
 * 5.6 commits per add-to-cart (counted in the client with BACKGROUND_WORK=inline at one connection).
 * Membership (kafka-membership.ts) decides when partitions are held; this file only reads the shared
 * status, with plain field reads, because it runs for every batch.
 */
import { Cause, Effect, Exit } from "effect"
import type { Consumer } from "@platformatic/kafka"
import type { Context } from "effect"
import type { DeliveredMessage, MessageBatch, SubscribeOptions, TopicPartition } from "@kasa/shared"
import { isLeaving, type MemberStatus } from "./kafka-member-phase.ts"
import { forget, newPartitionState, partitionKey, queued, takeBatch, type PartitionState } from "./kafka-partition-state.ts"
import { readStartOffsets } from "./kafka-start-offsets.ts"

const RETRY_MS = 500
const REDELIVER_MS = 1_000

/** What dispatch needs from the member that composes it. */
export interface DispatchHost {
  readonly status: MemberStatus
  /** Asks the fetcher for more records. */
  readonly pump: () => void
  readonly later: (ms: number, run: () => void) => ReturnType<typeof setTimeout>
  readonly cancel: (timer: ReturnType<typeof setTimeout>) => void
  readonly log: (level: "warning" | "error", message: string, cause?: unknown) => void
}

/** The offset to commit for one partition: the one after the last record handled. */
interface PendingOffset {
  readonly topic: string
  readonly partition: number
  readonly offset: bigint
}

export class KafkaDispatch {
  readonly partitions = new Map<string, PartitionState>()
  private idleWaiters: Array<() => void> = []
  /** Handled but not yet committed, by partition key; a later batch's offset replaces an earlier one. */
  private uncommitted = new Map<string, PendingOffset>()
  /** A commit is with the broker. */
  private committing = false
  /** When the last commit was sent (epoch ms), and the timer that sends the next one. */
  private lastCommitAt = 0
  private commitTimer: ReturnType<typeof setTimeout> | undefined
  /** The host's status, held directly: one field read per batch, as before the split. */
  private readonly status: MemberStatus

  constructor(
    private readonly consumer: Consumer,
    private readonly subscription: SubscribeOptions,
    private readonly context: Context.Context<never>,
    private readonly maxBatch: number,
    private readonly maxQueued: number,
    /** How long handled offsets may gather before they are committed (KafkaOptions.commitIntervalMs). */
    private readonly commitIntervalMs: number,
    private readonly host: DispatchHost
  ) {
    this.status = host.status
  }

  /** Drops every read-ahead record and position, and makes answers to earlier requests stale. */
  invalidate(): void {
    this.status.token++
    for (const state of this.partitions.values()) {
      state.owned = false
      forget(state)
    }
  }

  /** Holds the assigned partitions and starts each at the group's committed offset. */
  own(assigned: ReadonlyArray<TopicPartition>): void {
    for (const { topic, partition } of assigned) {
      const key = partitionKey(topic, partition)
      let state = this.partitions.get(key)
      if (state === undefined) this.partitions.set(key, (state = newPartitionState(topic, partition)))
      state.owned = true
    }
    this.startPositions(this.status.token)
  }

  private startPositions(token: number): void {
    const owned = [...this.partitions.values()].filter((state) => state.owned)
    if (owned.length === 0) return
    const status = this.status
    readStartOffsets(this.consumer, owned).then(
      (offsets) => {
        if (token !== status.token) return
        for (const [key, offset] of offsets) {
          const state = this.partitions.get(key)
          if (state?.owned === true) state.fetchOffset = offset
        }
        this.host.pump()
      },
      (error: unknown) => {
        if (token !== status.token || isLeaving(status.phase)) return
        this.host.log("warning", "reading the committed offsets failed; retrying", error)
        this.host.later(RETRY_MS, () => token === status.token && this.startPositions(token))
      }
    )
  }

  // -------------------------------------------------------------------------------------------------
  // Handing batches over: one at a time per partition, committed after the handler finished.

  drive(state: PartitionState): void {
    if (state.busy || this.status.phase !== "active" || !state.owned) return
    const before = queued(state)
    if (before === 0) return
    const messages = takeBatch(state, this.maxBatch)
    state.busy = true
    const generation = this.status.generation
    const batch: MessageBatch = { topic: state.topic, partition: state.partition, messages }
    let finished = false
    const interrupt = Effect.runCallbackWith(this.context)(this.subscription.handle(batch), {
      onExit: (exit) => {
        finished = true
        state.interrupt = undefined
        this.handled(state, messages, generation, exit)
      }
    })
    if (!finished) state.interrupt = () => interrupt()
    // The partition may have stopped fetching for lack of room: now there is some.
    if (before >= this.maxQueued) this.host.pump()
  }

  private handled(state: PartitionState, messages: ReadonlyArray<DeliveredMessage>, generation: number, exit: Exit.Exit<void>): void {
    const status = this.status
    if (status.phase === "aborted") return this.settle(state)
    if (Exit.isFailure(exit)) {
      // `handle` must not fail; if it dies anyway the batch is not committed and is read again after a pause.
      this.host.log("error", `the handler of ${state.topic}/${state.partition} died; the batch will be delivered again`, Cause.pretty(exit.cause))
      if (state.owned && status.generation === generation) {
        forget(state)
        state.fetchOffset = BigInt(messages[0]!.offset)
      }
      this.host.later(REDELIVER_MS, () => {
        this.settle(state)
        this.host.pump()
      })
      return
    }
    // Commit unless a newer generation gave the partition to another member meanwhile.
    if (status.generation === generation || state.owned) {
      const offset = BigInt(messages[messages.length - 1]!.offset + 1)
      this.uncommitted.set(partitionKey(state.topic, state.partition), { topic: state.topic, partition: state.partition, offset })
      this.commitHandled()
    }
    this.settle(state)
  }

  /**
   * Commits every handled offset not yet committed, in one request: once `commitIntervalMs` has passed
   * since the last commit (a timer sends it then), or at once when someone waits for the member to be
   * idle; never while a commit is with the broker (its answer sends the rest).
   */
  private commitHandled(): void {
    if (this.committing || this.uncommitted.size === 0) return
    const status = this.status
    if (status.phase === "aborted") {
      this.uncommitted.clear()
      return
    }
    const wait = this.lastCommitAt + this.commitIntervalMs - Date.now()
    if (wait > 0 && this.idleWaiters.length === 0) {
      this.commitTimer ??= this.host.later(wait, () => {
        this.commitTimer = undefined
        this.commitHandled()
      })
      return
    }
    if (this.commitTimer !== undefined) {
      this.host.cancel(this.commitTimer)
      this.commitTimer = undefined
    }
    const pending = [...this.uncommitted.values()]
    this.uncommitted.clear()
    this.committing = true
    this.lastCommitAt = Date.now()
    this.consumer.commit({ offsets: pending.map(({ topic, partition, offset }) => ({ topic, partition, offset, leaderEpoch: -1 })) }, (error) => {
      this.committing = false
      if (error && status.phase !== "aborted") {
        const which = pending.map(({ topic, partition, offset }) => `${topic}/${partition}@${offset}`).join(", ")
        this.host.log("warning", `committing ${which} failed; the batches before may be delivered again`, error)
      }
      this.commitHandled()
      if (this.idleWaiters.length > 0 && !this.anyBusy()) this.releaseIdle()
    })
  }

  private settle(state: PartitionState): void {
    state.busy = false
    if (this.idleWaiters.length > 0 && !this.anyBusy()) this.releaseIdle()
    this.drive(state)
  }

  /** A batch is in hand, or an offset is not committed yet. */
  private anyBusy(): boolean {
    if (this.committing || this.uncommitted.size > 0) return true
    for (const state of this.partitions.values()) if (state.busy) return true
    return false
  }

  // -------------------------------------------------------------------------------------------------
  // Waiting for the batches in hand, or giving up on them.

  /** Resolves when no batch is in hand and every handled offset is committed, or at the deadline (then the caller goes on regardless). */
  whenIdle(deadline: number | undefined): Promise<void> {
    if (!this.anyBusy()) return Promise.resolve()
    return new Promise<void>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined
      const done = () => {
        if (timer !== undefined) this.host.cancel(timer)
        resolve()
      }
      this.idleWaiters.push(done)
      // Offsets gathering for the next commit go now: the waiter should not wait out the interval.
      this.commitHandled()
      if (deadline !== undefined) {
        timer = this.host.later(Math.max(0, deadline - Date.now()), () => {
          this.idleWaiters = this.idleWaiters.filter((waiter) => waiter !== done)
          this.host.log("warning", "a batch is still being handled at the rebalance deadline; rejoining without it")
          resolve()
        })
      }
    })
  }

  releaseIdle(): void {
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const waiter of waiters) waiter()
  }

  /** Interrupts every handler still running: a crash, whose batches are redelivered elsewhere. */
  interrupt(): void {
    for (const state of this.partitions.values()) state.interrupt?.()
  }
}
