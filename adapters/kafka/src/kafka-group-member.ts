/**
 * One member of a Kafka consumer group behind `EventBus.subscribe`, composed of membership
 * (kafka-membership.ts: the client's Consumer, join, rejoin, leave, static membership) and dispatch
 * (kafka-dispatch.ts: batches to the handler one at a time per partition, committed after it
 * finished), with its own fetcher reading ahead (kafka-fetcher.ts). Its phase changes only through
 * the pure function of kafka-member-phase.ts; this class performs the actions it returns. Before
 * every (re)join the client asks for join metadata: that is the revocation point, where the member
 * stops handing out batches, drops what it read ahead and waits (up to the rebalance timeout) until
 * the batch in hand is handled and committed, so no member starts a partition while another still
 * works on it. The client's MessagesStream is not used: its read-ahead and its offset reset on
 * rejoin cannot give that guarantee (a late fetch answer can move its position past records that
 * were never handled).
 */
import { ConnectionPool, type ConsumerGroupJoinPayload } from "@platformatic/kafka"
import { Effect } from "effect"
import type { Context } from "effect"
import type { SubscribeOptions, TopicPartition } from "@kasa/shared"
import type { ResolvedKafkaOptions } from "./kafka-config.ts"
import { KafkaDispatch } from "./kafka-dispatch.ts"
import { describeError, withinDeadline } from "./kafka-errors.ts"
import { KafkaFetcher } from "./kafka-fetcher.ts"
import { initialPhase, isLeaving, nextPhase, type MemberStatus, type PhaseAction, type PhaseEvent } from "./kafka-member-phase.ts"
import { KafkaMembership } from "./kafka-membership.ts"

const EMPTY_METADATA = Buffer.alloc(0)

const leavingError = () => new Error("the member is leaving its consumer group")

export class KafkaGroupMember {
  private readonly status: MemberStatus = { phase: initialPhase.phase, token: 0, generation: -1 }
  private revokeDeadline = initialPhase.revokeDeadline
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  private readonly membership: KafkaMembership
  private readonly dispatch: KafkaDispatch
  private readonly pool: ConnectionPool
  private readonly fetcher: KafkaFetcher
  private readonly topics: Array<string>
  private resolveReady!: () => void
  readonly ready: Promise<void>
  private closing: Promise<void> | undefined
  private leaving: Promise<void> | undefined

  constructor(
    private readonly options: ResolvedKafkaOptions,
    private readonly subscription: SubscribeOptions,
    private readonly context: Context.Context<never>,
    private readonly onGone: (member: KafkaGroupMember) => void,
    /** Static membership (kafka-config.ts), see kafka-membership.ts. */
    readonly groupInstanceId?: string
  ) {
    this.topics = [...new Set(subscription.topics)]
    const maxBatch = Math.max(1, subscription.maxBatch ?? 500)
    const maxQueued = Math.max(2 * maxBatch, 1_000)
    this.ready = new Promise<void>((resolve) => (this.resolveReady = resolve))
    const log = (level: "warning" | "error", message: string, cause?: unknown) => this.log(level, message, cause)
    const later = (ms: number, run: () => void) => this.later(ms, run)
    this.membership = new KafkaMembership(options, subscription.group, groupInstanceId, {
      status: this.status,
      join: () => void this.perform(this.apply({ _tag: "join" })),
      revoke: () => this.revoke(),
      assigned: (payload) => void this.perform(this.apply({ _tag: "assigned" }), payload),
      later,
      log
    })
    const consumer = this.membership.consumer
    this.pool = new ConnectionPool(consumer.clientId, {
      connectTimeout: options.connectTimeoutMs,
      requestTimeout: Math.max(options.requestTimeoutMs, options.fetchMaxWaitMs + 5_000)
    })
    this.dispatch = new KafkaDispatch(consumer, subscription, context, maxBatch, maxQueued, options.commitIntervalMs, {
      status: this.status,
      pump: () => this.fetcher.pump(),
      later,
      cancel: (timer) => {
        clearTimeout(timer)
        this.timers.delete(timer)
      },
      log
    })
    this.fetcher = new KafkaFetcher(consumer, this.pool, this.topics, options.fetchMaxWaitMs, options.fetchLingerMs, maxQueued, {
      partitions: () => this.dispatch.partitions.values(),
      token: () => this.status.token,
      active: () => this.status.phase === "active",
      received: (state) => this.dispatch.drive(state),
      later: (ms, run) => void this.later(ms, run),
      warn: (message, cause) => this.log("warning", message, cause)
    })
  }

  /** Subscribes and joins; `ready` resolves once the first assignment arrived. */
  start(): void {
    this.membership.start(this.topics)
  }

  get assignments(): ReadonlyArray<TopicPartition> {
    return this.membership.assignments
  }

  /** Graceful: stop fetching, let the batch in hand finish and commit, leave the group. */
  stop(): Promise<void> {
    const actions = this.apply({ _tag: "stop" })
    if (actions.length === 0) return this.leaving ?? Promise.resolve()
    this.leaving = this.perform(actions).then(() => void this.apply({ _tag: "closed" }))
    return this.leaving
  }

  /** Crash: leave at once, commit nothing more, interrupt handlers; what was in hand is redelivered. */
  abort(): Promise<void> {
    const actions = this.apply({ _tag: "abort" })
    if (actions.length === 0) return this.leaving ?? Promise.resolve()
    this.leaving = this.perform(actions)
    return this.leaving
  }

  /** The join-metadata hook: where this member gives its partitions up before every JoinGroup. */
  private revoke(): Promise<Buffer> {
    const actions = this.apply({ _tag: "revoke", now: Date.now(), rebalanceTimeoutMs: this.options.rebalanceTimeoutMs })
    return this.perform(actions).then(() => (isLeaving(this.status.phase) ? Promise.reject(leavingError()) : EMPTY_METADATA))
  }

  // -------------------------------------------------------------------------------------------------
  // The phase function's transitions, performed.

  private apply(event: PhaseEvent): ReadonlyArray<PhaseAction> {
    const { state, actions } = nextPhase({ phase: this.status.phase, revokeDeadline: this.revokeDeadline }, event)
    this.status.phase = state.phase
    this.revokeDeadline = state.revokeDeadline
    return actions
  }

  /** Performs the actions in order; a wait or a close holds back the ones after it. */
  private perform(actions: ReadonlyArray<PhaseAction>, payload?: ConsumerGroupJoinPayload, from = 0): Promise<void> {
    for (let i = from; i < actions.length; i++) {
      const action = actions[i]!
      switch (action._tag) {
        case "joinGroup":
          this.membership.joinGroup()
          break
        case "invalidate":
          this.membership.drop()
          this.dispatch.invalidate()
          break
        case "adopt": {
          const assigned = this.membership.adopt(payload!)
          this.resolveReady()
          this.dispatch.own(assigned)
          break
        }
        case "waitIdle":
          return this.dispatch.whenIdle(action.deadline).then(() => this.perform(actions, payload, i + 1))
        case "refuseJoin":
          return Promise.reject(leavingError())
        case "interrupt":
          this.dispatch.interrupt()
          break
        case "releaseIdle":
          this.dispatch.releaseIdle()
          break
        case "close":
          return this.close().then(() => this.perform(actions, payload, i + 1))
      }
    }
    return Promise.resolve()
  }

  // -------------------------------------------------------------------------------------------------

  private close(): Promise<void> {
    return (this.closing ??= (async () => {
      for (const timer of this.timers) clearTimeout(timer)
      this.timers.clear()
      this.resolveReady()
      await this.membership.leave()
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
    Effect.runForkWith(this.context)(effect.pipe(Effect.annotateLogs({ group: this.subscription.group, member: this.membership.consumer.memberId ?? "", ...detail })))
  }
}
