/**
 * Options of the Kafka adapter: where the brokers are, how the clients name themselves, and the
 * timeouts that decide how fast a group notices a dead member and how long a rebalance may wait for a
 * member to finish its batch. Defaults suit production; tests shorten the group timeouts.
 */

export interface KafkaOptions {
  /** Bootstrap brokers, "host:port" each. */
  readonly brokers: ReadonlyArray<string>
  readonly clientId: string
  /** One request to a broker (client default 5 s). */
  readonly requestTimeoutMs?: number
  readonly connectTimeoutMs?: number
  /** A member that stops heartbeating is removed from its group after this long. */
  readonly sessionTimeoutMs?: number
  readonly heartbeatIntervalMs?: number
  /**
   * How long a rebalance waits for members to rejoin; also how long a member waits for its batch in
   * hand to finish (and commit) before it rejoins anyway.
   */
  readonly rebalanceTimeoutMs?: number
  /** Longest a fetch waits at the broker for new records (the consumer's long poll). */
  readonly fetchMaxWaitMs?: number
  /** Closing clients (leave group, flush) gives up after this long. */
  readonly closeTimeoutMs?: number
}

export interface ResolvedKafkaOptions {
  readonly brokers: Array<string>
  readonly clientId: string
  readonly requestTimeoutMs: number
  readonly connectTimeoutMs: number
  readonly sessionTimeoutMs: number
  readonly heartbeatIntervalMs: number
  readonly rebalanceTimeoutMs: number
  readonly fetchMaxWaitMs: number
  readonly closeTimeoutMs: number
}

export const resolveKafkaOptions = (options: KafkaOptions): ResolvedKafkaOptions => {
  const sessionTimeoutMs = options.sessionTimeoutMs ?? 30_000
  return {
    brokers: options.brokers.flatMap((entry) => entry.split(",")).map((broker) => broker.trim()).filter((broker) => broker !== ""),
    clientId: options.clientId,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
    sessionTimeoutMs,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? Math.max(100, Math.floor(sessionTimeoutMs / 10)),
    rebalanceTimeoutMs: Math.max(options.rebalanceTimeoutMs ?? 60_000, sessionTimeoutMs),
    fetchMaxWaitMs: options.fetchMaxWaitMs ?? 500,
    closeTimeoutMs: options.closeTimeoutMs ?? 10_000
  }
}

/** The base options every client of the adapter shares. */
export const clientOptions = (options: ResolvedKafkaOptions, role: string, requestTimeoutMs = options.requestTimeoutMs) => ({
  clientId: `${options.clientId}-${role}`,
  bootstrapBrokers: options.brokers,
  /** The broker-side timeout carried by produce and admin requests. */
  timeout: options.requestTimeoutMs,
  /** The client-side deadline of any one request (a JoinGroup legitimately blocks for a whole rebalance). */
  requestTimeout: requestTimeoutMs,
  connectTimeout: options.connectTimeoutMs,
  retries: 3,
  retryDelay: 250,
  autocreateTopics: false
})
