/**
 * The membership half of a group member: the client's Consumer in the classic group protocol
 * (eager, round-robin, autocommit off), with static membership when an instance id is given
 * (kafka-config.ts), joining and rejoining with a pause after a failure, the assignment each
 * generation gave, and leaving. The client keeps the protocol (join, sync, heartbeats); what to do at
 * each step is the member's phase function (kafka-member-phase.ts), reached through the host.
 */
import { Consumer, type ConsumerGroupJoinPayload } from "@platformatic/kafka"
import type { TopicPartition } from "@kasa/shared"
import { clientOptions, type ResolvedKafkaOptions } from "./kafka-config.ts"
import { withinDeadline } from "./kafka-errors.ts"
import { isLeaving, type MemberStatus } from "./kafka-member-phase.ts"

const REJOIN_MS = 1_000

/** What membership needs from the member that composes it. */
export interface MembershipHost {
  readonly status: MemberStatus
  /** A JoinGroup is wanted (the member decides whether to send one). */
  readonly join: () => void
  /** The join-metadata hook, called by the client before every JoinGroup: the revocation point. */
  readonly revoke: () => Promise<Buffer>
  /** A generation assigned partitions to this member. */
  readonly assigned: (payload: ConsumerGroupJoinPayload) => void
  readonly later: (ms: number, run: () => void) => void
  readonly log: (level: "warning" | "error", message: string, cause?: unknown) => void
}

export class KafkaMembership {
  readonly consumer: Consumer
  private assigned: ReadonlyArray<TopicPartition> = []

  constructor(
    private readonly options: ResolvedKafkaOptions,
    group: string,
    /**
     * Static membership. A graceful stop still leaves at once: the client's LeaveGroup names the
     * member id, and the broker removes a static member named that way too.
     */
    readonly groupInstanceId: string | undefined,
    private readonly host: MembershipHost
  ) {
    // A JoinGroup legitimately blocks for a whole rebalance: the request deadline must outlast it.
    const base = clientOptions(options, "consumer", Math.max(options.requestTimeoutMs, options.rebalanceTimeoutMs + 5_000))
    this.consumer = new Consumer({
      ...base,
      groupId: group,
      groupProtocol: "classic",
      ...(groupInstanceId === undefined ? {} : { groupInstanceId }),
      autocommit: false,
      sessionTimeout: options.sessionTimeoutMs,
      rebalanceTimeout: options.rebalanceTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      protocolsMetadata: () => host.revoke()
    })
    this.consumer.on("consumer:group:join", (payload: ConsumerGroupJoinPayload) => host.assigned(payload))
    // Emitted when a rejoin the client started on its own failed for good: it will not try again.
    this.consumer.on("error", (error: unknown) => {
      if (isLeaving(host.status.phase)) return
      host.log("warning", "the consumer lost its group membership; rejoining", error)
      host.later(REJOIN_MS, host.join)
    })
  }

  get assignments(): ReadonlyArray<TopicPartition> {
    return this.assigned
  }

  /** Subscribes to the topics and asks to join. */
  start(topics: ReadonlyArray<string>): void {
    for (const topic of topics) this.consumer.topics.track(topic)
    this.host.join()
  }

  joinGroup(): void {
    this.consumer.joinGroup({}).catch((error: unknown) => {
      if (isLeaving(this.host.status.phase)) return
      this.host.log("warning", "joining the consumer group failed; retrying", error)
      this.host.later(REJOIN_MS, this.host.join)
    })
  }

  /** Records the generation and the partitions it assigned; returns them. */
  adopt(payload: ConsumerGroupJoinPayload): ReadonlyArray<TopicPartition> {
    const status = this.host.status
    status.generation = payload.generationId ?? status.generation + 1
    const assigned: Array<TopicPartition> = []
    for (const { topic, partitions } of payload.assignments ?? []) for (const partition of partitions) assigned.push({ topic, partition })
    return (this.assigned = assigned)
  }

  /** The assignment no longer holds (revocation, a new generation, leaving). */
  drop(): void {
    this.assigned = []
  }

  /** Leaves the group (a static member too, see above) and closes the client. */
  leave(): Promise<void> {
    return withinDeadline(this.consumer.close(), this.options.closeTimeoutMs)
  }
}
