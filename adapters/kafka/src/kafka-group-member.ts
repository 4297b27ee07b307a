/**
 * One member of a Kafka consumer group behind `EventBus.subscribe`: classic group protocol (eager,
 * round-robin), autocommit off. The client keeps the membership (join, sync, heartbeats); this class
 * owns the positions. It starts each assigned partition at the group's committed offset (earliest if
 * none), reads ahead with its own fetcher, hands each partition's records to the handler one batch at
 * a time in offset order (partitions concurrently), and commits a batch only after the handler
 * finished. Before every (re)join the client asks it for join metadata: that call is the revocation
 * point, where it stops handing out batches, drops what it read ahead and waits (up to the rebalance
 * timeout) until the batch in hand is handled and committed, so no member starts a partition while
 * another still works on it. The client's MessagesStream is not used: its read-ahead and its offset
 * reset on rejoin cannot give that guarantee (a late fetch answer can move its position past records
 * that were never handled).
 */
import { ConnectionPool, Consumer, type ConsumerGroupJoinPayload } from "@platformatic/kafka"
import { Cause, Effect, Exit } from "effect"
import type { Context } from "effect"
import type { DeliveredMessage, MessageBatch, SubscribeOptions, TopicPartition } from "@kasa/shared"
import { clientOptions, type ResolvedKafkaOptions } from "./kafka-config.ts"
import { describeError, withinDeadline } from "./kafka-errors.ts"
import { KafkaFetcher } from "./kafka-fetcher.ts"
import { forget, newPartitionState, partitionKey, queued, takeBatch, type PartitionState } from "./kafka-partition-state.ts"
import { readStartOffsets } from "./kafka-start-offsets.ts"

const EMPTY_METADATA = Buffer.alloc(0)
const RETRY_MS = 500

type Phase = "joining" | "active" | "revoking" | "stopping" | "stopped" | "aborted"

const leavingError = () => new Error("the member is leaving its consumer group")

export class KafkaGroupMember {
  private phase: Phase = "joining"
  /** Bumped whenever positions become invalid (revocation, new assignment, leaving): late answers are dropped. */
  private token = 0
  private generation = -1
  private readonly partitions = new Map<string, PartitionState>()
  private assigned: ReadonlyArray<TopicPartition> = []
  private idleWaiters: Array<() => void> = []
  private revokeDeadline = 0
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  private readonly consumer: Consumer
  private readonly pool: ConnectionPool
  private readonly fetcher: KafkaFetcher
  private readonly topics: Array<string>
  private readonly maxBatch: number
  private readonly maxQueued: number
  private resolveReady!: () => void
  readonly ready: Promise<void>
  private closing: Promise<void> | undefined
  private leaving: Promise<void> | undefined

  constructor(
    private readonly options: ResolvedKafkaOptions,
    private readonly subscription: SubscribeOptions,
    private readonly context: Context.Context<never>,
    private readonly onGone: (member: KafkaGroupMember) => void,
    /**
     * Static membership (kafka-config.ts). A graceful stop still leaves at once: the client's
     * LeaveGroup names the member id, and the broker removes a static member named that way too.
     */
    readonly groupInstanceId?: string
  ) {
    this.topics = [...new Set(subscription.topics)]
    this.maxBatch = Math.max(1, subscription.maxBatch ?? 500)
    this.maxQueued = Math.max(2 * this.maxBatch, 1_000)
    this.ready = new Promise<void>((resolve) => (this.resolveReady = resolve))
    // A JoinGroup legitimately blocks for a whole rebalance: the request deadline must outlast it.
    const base = clientOptions(options, "consumer", Math.max(options.requestTimeoutMs, options.rebalanceTimeoutMs + 5_000))
    this.consumer = new Consumer({
      ...base,
      groupId: subscription.group,
      groupProtocol: "classic",
      ...(groupInstanceId === undefined ? {} : { groupInstanceId }),
      autocommit: false,
      sessionTimeout: options.sessionTimeoutMs,
      rebalanceTimeout: options.rebalanceTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      protocolsMetadata: () => this.revoke()
    })
    this.pool = new ConnectionPool(base.clientId, {
      connectTimeout: options.connectTimeoutMs,
      requestTimeout: Math.max(options.requestTimeoutMs, options.fetchMaxWaitMs + 5_000)
    })
    this.fetcher = new KafkaFetcher(this.consumer, this.pool, this.topics, options.fetchMaxWaitMs, this.maxQueued, {
      partitions: () => this.partitions.values(),
      token: () => this.token,
      active: () => this.phase === "active",
      received: (state) => this.drive(state),
      later: (ms, run) => void this.later(ms, run),
      warn: (message, cause) => this.log("warning", message, cause)
    })
    this.consumer.on("consumer:group:join", this.onJoin)
    // Emitted when a rejoin the client started on its own failed for good: it will not try again.
    this.consumer.on("error", (error: unknown) => {
      if (this.isLeaving()) return
      this.log("warning", "the consumer lost its group membership; rejoining", error)
      this.later(1_000, () => this.join())
    })
  }

  /** Subscribes and joins; `ready` resolves once the first assignment arrived. */
  start(): void {
    for (const topic of this.topics) this.consumer.topics.track(topic)
    this.join()
  }

  get assignments(): ReadonlyArray<TopicPartition> {
    return this.assigned
  }

  /** Graceful: stop fetching, let the batch in hand finish and commit, leave the group. */
  stop(): Promise<void> {
    if (this.leaving !== undefined) return this.leaving
    this.phase = "stopping"
    this.invalidate()
    this.leaving = this.whenIdle(undefined)
      .then(() => {
        this.releaseIdleWaiters()
        return this.close()
      })
      .then(() => {
        if (this.phase === "stopping") this.phase = "stopped"
      })
    return this.leaving
  }

  /** Crash: leave at once, commit nothing more, interrupt handlers; what was in hand is redelivered. */
  abort(): Promise<void> {
    if (this.phase === "aborted" || this.phase === "stopped") return this.leaving ?? Promise.resolve()
    this.phase = "aborted"
    this.invalidate()
    for (const state of this.partitions.values()) state.interrupt?.()
    this.releaseIdleWaiters()
    this.leaving = this.close()
    return this.leaving
  }

  // -------------------------------------------------------------------------------------------------
  // Membership

  private isLeaving(): boolean {
    return this.phase === "stopping" || this.phase === "stopped" || this.phase === "aborted"
  }

  private join(): void {
    if (this.isLeaving()) return
    this.consumer.joinGroup({}).catch((error: unknown) => {
      if (this.isLeaving()) return
      this.log("warning", "joining the consumer group failed; retrying", error)
      this.later(1_000, () => this.join())
    })
  }

  /** The join-metadata hook, called before every JoinGroup: where this member gives its partitions up. */
  private revoke(): Promise<Buffer> {
    if (this.isLeaving()) return Promise.reject(leavingError())
    if (this.phase === "active") {
      this.phase = "revoking"
      this.revokeDeadline = Date.now() + this.options.rebalanceTimeoutMs
      this.invalidate()
    }
    const deadline = this.phase === "revoking" ? this.revokeDeadline : Date.now()
    return this.whenIdle(deadline).then(() => (this.isLeaving() ? Promise.reject(leavingError()) : EMPTY_METADATA))
  }

  private readonly onJoin = (payload: ConsumerGroupJoinPayload): void => {
    if (this.isLeaving()) return
    this.phase = "active"
    this.generation = payload.generationId ?? this.generation + 1
    this.invalidate()
    const assigned: Array<TopicPartition> = []
    for (const { topic, partitions } of payload.assignments ?? []) {
      for (const partition of partitions) {
        const key = partitionKey(topic, partition)
        let state = this.partitions.get(key)
        if (state === undefined) this.partitions.set(key, (state = newPartitionState(topic, partition)))
        state.owned = true
        assigned.push({ topic, partition })
      }
    }
    this.assigned = assigned
    this.resolveReady()
    this.startPositions(this.token)
  }

  /** Drops every read-ahead record and position, and makes answers to earlier requests stale. */
  private invalidate(): void {
    this.token++
    this.assigned = []
    for (const state of this.partitions.values()) {
      state.owned = false
      forget(state)
    }
  }

  private startPositions(token: number): void {
    const owned = [...this.partitions.values()].filter((state) => state.owned)
    if (owned.length === 0) return
    readStartOffsets(this.consumer, owned).then(
      (offsets) => {
        if (token !== this.token) return
        for (const [key, offset] of offsets) {
          const state = this.partitions.get(key)
          if (state?.owned === true) state.fetchOffset = offset
        }
        this.fetcher.pump()
      },
      (error: unknown) => {
        if (token !== this.token || this.isLeaving()) return
        this.log("warning", "reading the committed offsets failed; retrying", error)
        this.later(RETRY_MS, () => token === this.token && this.startPositions(token))
      }
    )
  }

  // -------------------------------------------------------------------------------------------------
  // Handing batches over: one at a time per partition, committed after the handler finished.

  private drive(state: PartitionState): void {
    if (state.busy || this.phase !== "active" || !state.owned) return
    const before = queued(state)
    if (before === 0) return
    const messages = takeBatch(state, this.maxBatch)
    state.busy = true
    const generation = this.generation
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
    if (before >= this.maxQueued) this.fetcher.pump()
  }

  private handled(state: PartitionState, messages: ReadonlyArray<DeliveredMessage>, generation: number, exit: Exit.Exit<void>): void {
    if (this.phase === "aborted") return this.settle(state)
    if (Exit.isFailure(exit)) {
      // `handle` must not fail; if it dies anyway the batch is not committed and is read again after a pause.
      this.log("error", `the handler of ${state.topic}/${state.partition} died; the batch will be delivered again`, Cause.pretty(exit.cause))
      if (state.owned && this.generation === generation) {
        forget(state)
        state.fetchOffset = BigInt(messages[0]!.offset)
      }
      this.later(1_000, () => {
        this.settle(state)
        this.fetcher.pump()
      })
      return
    }
    // Commit unless a newer generation gave the partition to another member meanwhile.
    if (this.generation !== generation && !state.owned) return this.settle(state)
    const offset = BigInt(messages[messages.length - 1]!.offset + 1)
    this.consumer.commit({ offsets: [{ topic: state.topic, partition: state.partition, offset, leaderEpoch: -1 }] }, (error) => {
      if (error && this.phase !== "aborted") this.log("warning", `committing ${state.topic}/${state.partition}@${offset} failed; the batch may be delivered again`, error)
      this.settle(state)
    })
  }

  private settle(state: PartitionState): void {
    state.busy = false
    if (this.idleWaiters.length > 0 && !this.anyBusy()) this.releaseIdleWaiters()
    this.drive(state)
  }

  private anyBusy(): boolean {
    for (const state of this.partitions.values()) if (state.busy) return true
    return false
  }

  /** Resolves when no batch is in hand, or at the deadline (then the caller goes on regardless). */
  private whenIdle(deadline: number | undefined): Promise<void> {
    if (!this.anyBusy()) return Promise.resolve()
    return new Promise<void>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined
      const done = () => {
        if (timer !== undefined) {
          clearTimeout(timer)
          this.timers.delete(timer)
        }
        resolve()
      }
      this.idleWaiters.push(done)
      if (deadline !== undefined) {
        timer = this.later(Math.max(0, deadline - Date.now()), () => {
          this.idleWaiters = this.idleWaiters.filter((waiter) => waiter !== done)
          this.log("warning", "a batch is still being handled at the rebalance deadline; rejoining without it")
          resolve()
        })
      }
    })
  }

  private releaseIdleWaiters(): void {
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const waiter of waiters) waiter()
  }

  // -------------------------------------------------------------------------------------------------

  private close(): Promise<void> {
    return (this.closing ??= (async () => {
      for (const timer of this.timers) clearTimeout(timer)
      this.timers.clear()
      this.resolveReady()
      await withinDeadline(this.consumer.close(), this.options.closeTimeoutMs)
      await withinDeadline(this.pool.close(), this.options.closeTimeoutMs)
      this.onGone(this)
    })())
  }

  private later(ms: number, run: () => void): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      run()
    }, ms)
    this.timers.add(timer)
    return timer
  }

  private log(level: "warning" | "error", message: string, cause?: unknown): void {
    const detail = cause === undefined ? {} : { cause: typeof cause === "string" ? cause : describeError(cause) }
    const effect = level === "error" ? Effect.logError(message) : Effect.logWarning(message)
    Effect.runForkWith(this.context)(effect.pipe(Effect.annotateLogs({ group: this.subscription.group, member: this.consumer.memberId ?? "", ...detail })))
  }
}
