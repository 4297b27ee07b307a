/**
 * Options of the Kafka adapter: where the brokers are, how the clients name themselves, the static
 * group membership that lets a restarted instance take its partitions straight back, and the
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
  /**
   * After a fetch that brought records, how long the next one waits, so that what arrives meanwhile
   * comes (and is handled, in one write) together rather than one record per fetch. A fetch after an
   * idle spell is not delayed: only a busy consumer lingers. 0 fetches again at once.
   */
  readonly fetchLingerMs?: number
  /**
   * How long a member lets handled offsets gather before it commits them (one commit for all its
   * partitions). A crash redelivers at most this much, which the processed markers absorb; a rebalance
   * and a graceful stop commit at once. 0 commits as soon as no commit is in flight.
   */
  readonly commitIntervalMs?: number
  /** Closing clients (leave group, flush) gives up after this long. */
  readonly closeTimeoutMs?: number
  /**
   * This process's stable identity in its consumer groups (static membership, KIP-345): a member
   * joins as `${instanceId}-${group}`, so an instance restarted after a crash takes its partitions
   * back at once instead of after the session timeout. It must stay the same across restarts of one
   * instance and differ between instances of an app: two live members with one id fence each other,
   * and the client rejoins after being fenced without a word, so they take the partitions from each
   * other at every heartbeat.
   * Unset: dynamic membership.
   */
  readonly instanceId?: string
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
  readonly fetchLingerMs: number
  readonly commitIntervalMs: number
  readonly closeTimeoutMs: number
  readonly instanceId: string | undefined
}

/** Measured on the whole shop at one connection (`npm run bench:cart`): about 10-15% less CPU per add than 0. */
export const DEFAULT_FETCH_LINGER_MS = 10
/**
 * With its consumers keeping up (a batch of one or two records per group per add), the whole shop sent
 * about 5.6 offset commits to Kafka per add-to-cart when each handled batch was committed at once.
 */
export const DEFAULT_COMMIT_INTERVAL_MS = 100

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
    fetchLingerMs: options.fetchLingerMs ?? DEFAULT_FETCH_LINGER_MS,
    commitIntervalMs: Math.max(0, options.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS),
    closeTimeoutMs: options.closeTimeoutMs ?? 10_000,
    instanceId: options.instanceId?.trim() || undefined
  }
}

/**
 * The group instance id of a new member of `group`, none without an instance id. A second member of
 * the same group in one process (tests, two consumers of one group) gets `-2`, `-3`…, so the members
 * of one process never fence each other and keep the same ids when it restarts.
 */
export const groupInstanceId = (instanceId: string | undefined, group: string, taken: ReadonlySet<string>): string | undefined => {
  if (instanceId === undefined) return undefined
  const base = `${instanceId}-${group}`.replace(/\s+/g, "_")
  let id = base
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`
  return id
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
