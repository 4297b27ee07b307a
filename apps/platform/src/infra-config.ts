/**
 * The configuration every app shares (SPEC §8): where the broker, Redis and the trace collector are,
 * and how topics are provisioned. Without KAFKA_BROKERS and REDIS_URL an app runs embedded; with
 * one but not the other it refuses to start, naming the missing variable, rather than half-distribute.
 * SESSION_SECRET signs session tokens (session-token.ts): every instance of a distributed shop must
 * share it, so distributed mode requires it; embedded, a random one per process stands in.
 */
import { Redacted } from "effect"
import { ConfigError, DEFAULT_DLQ_RETENTION_MS, DEFAULT_SESSION_TTL_SECONDS, DEFAULT_TOPIC_RETENTION_MS, loadConfig, type ConfigOf } from "@kasa/shared"
import { integer, list, oneOf, optional, string, url, withDefault } from "@kasa/shared/config"
import { DEFAULT_COMMIT_INTERVAL_MS, DEFAULT_FETCH_LINGER_MS } from "@kasa/adapter-kafka"

export const infraSpec = {
  port: withDefault(integer("PORT", 0, 65_535), 3000),
  /** The largest request body read (SPEC §5), checked before anything reads it. */
  maxBodyBytes: withDefault(integer("MAX_BODY_BYTES", 1, 16 * 1024 * 1024), 64 * 1024),
  kafkaBrokers: optional(list("KAFKA_BROKERS")),
  redisUrl: optional(url("REDIS_URL")),
  redisKeyPrefix: withDefault(string("REDIS_KEY_PREFIX"), ""),
  /** PostgreSQL for the apps that keep records (payment, order); without it they use PGlite in the process. */
  databaseUrl: optional(url("DATABASE_URL")),
  /** Without DATABASE_URL: PGlite keeps its data in this folder (kept across restarts) instead of in memory. */
  pgliteDir: optional(string("PGLITE_DIR")),
  otlpEndpoint: optional(url("OTEL_EXPORTER_OTLP_ENDPOINT")),
  topicPartitions: withDefault(integer("TOPIC_PARTITIONS", 1, 1_000), 3),
  topicReplicationFactor: withDefault(integer("TOPIC_REPLICATION_FACTOR", 1, 10), 1),
  /** Kafka `retention.ms` of every topic; consumers' processed markers live a day longer (one hour to ten years). */
  topicRetentionMs: withDefault(integer("TOPIC_RETENTION_MS", 3_600_000, 315_360_000_000), DEFAULT_TOPIC_RETENTION_MS),
  /** Kafka `retention.ms` of the `.dlq` topics: dead letters wait for a person. */
  dlqRetentionMs: withDefault(integer("DLQ_RETENTION_MS", 3_600_000, 315_360_000_000), DEFAULT_DLQ_RETENTION_MS),
  adminToken: optional(string("ADMIN_TOKEN")),
  /** "off" leaves the outbox to a relay running elsewhere (another instance or process). */
  outboxRelay: withDefault(oneOf("OUTBOX_RELAY", ["on", "off"]), "on"),
  /** Distributed: the relay and consumers in a worker thread of their own (background-thread.ts), or on the request thread. */
  backgroundWork: withDefault(oneOf("BACKGROUND_WORK", ["thread", "inline"]), "thread"),
  /** The background thread's nice value (Linux): busy cores run requests before the consumers' catching up; 0 treats both alike. */
  backgroundNice: withDefault(integer("BACKGROUND_NICE", 0, 19), 10),
  /** Readiness fails while the oldest unpublished outbox entry is older than this. */
  outboxMaxAgeMs: withDefault(integer("OUTBOX_MAX_AGE_MS", 1, 86_400_000), 30_000),
  /** Most bytes the relay puts in one publish: under the broker's max.request.size / message.max.bytes. */
  outboxPublishMaxBytes: withDefault(integer("OUTBOX_PUBLISH_MAX_BYTES", 1_024, 104_857_600), 786_432),
  /** The outbox lease's time to live: a dead relay's instance is replaced within about this long. */
  outboxLeaseTtlMs: withDefault(integer("OUTBOX_LEASE_TTL_MS", 300, 600_000), 5_000),
  serviceName: withDefault(string("OTEL_SERVICE_NAME"), "kasa"),
  /** SIGTERM ends the process within this long, aborting what a graceful stop has not finished (SPEC §5). */
  shutdownTimeoutMs: withDefault(integer("SHUTDOWN_TIMEOUT_MS", 0, 600_000), 10_000),
  /** A full collection whenever resident memory grew this much since the last (memory-governor.ts); 0 (the default) leaves it to the runtime. */
  memoryCollectGrowthMb: withDefault(integer("MEMORY_COLLECT_GROWTH_MB", 0, 1_048_576), 0),
  /** This instance's stable id in its consumer groups (static membership); served apps default it to host-PORT. */
  instanceId: optional(string("INSTANCE_ID")),
  /** A consumer that stops heartbeating (a crashed instance) loses its partitions after this long. */
  kafkaSessionTimeoutMs: withDefault(integer("KAFKA_SESSION_TIMEOUT_MS", 1_000, 1_800_000), 30_000),
  /** A busy consumer's pause between fetches, so records come in batches (one write each): 0 fetches at once. */
  kafkaFetchLingerMs: withDefault(integer("KAFKA_FETCH_LINGER_MS", 0, 1_000), DEFAULT_FETCH_LINGER_MS),
  kafkaCommitIntervalMs: withDefault(integer("KAFKA_COMMIT_INTERVAL_MS", 0, 10_000), DEFAULT_COMMIT_INTERVAL_MS),
  sessionSecret: optional(string("SESSION_SECRET")),
  /** How long session-scoped state lives without activity (SPEC §2). */
  sessionTtlSeconds: withDefault(integer("SESSION_TTL_SECONDS", 1, 365 * 24 * 60 * 60), DEFAULT_SESSION_TTL_SECONDS)
}

/**
 * The instance id a served app uses when INSTANCE_ID is not set: the host and the port, stable across
 * restarts and unique on one host (two processes cannot listen on one port). None on an ephemeral
 * port (PORT=0): a new port each start is no identity, so such an app keeps dynamic membership.
 */
export const defaultInstanceId = (env: Readonly<Record<string, string | undefined>>, hostname: string): string | undefined => {
  const explicit = env.INSTANCE_ID?.trim()
  if (explicit) return explicit
  const port = env.PORT?.trim() || "3000"
  return port === "0" ? undefined : `${hostname}-${port}`
}

/** Shorter secrets are guessable offline from one token; the value itself is never echoed. */
export const SESSION_SECRET_MIN_LENGTH = 32

export type InfraConfig = Omit<ConfigOf<typeof infraSpec>, "sessionSecret"> & {
  readonly mode: "embedded" | "distributed"
  readonly sessionSecret: Redacted.Redacted<string> | undefined
}

export const loadInfraConfig = (
  env: Readonly<Record<string, string | undefined>>,
  defaults: { readonly serviceName?: string; readonly port?: number } = {}
): { readonly ok: true; readonly config: InfraConfig } | { readonly ok: false; readonly error: ConfigError } => {
  const loaded = loadConfig(infraSpec, {
    ...(defaults.serviceName === undefined ? {} : { OTEL_SERVICE_NAME: defaults.serviceName }),
    ...(defaults.port === undefined ? {} : { PORT: String(defaults.port) }),
    ...env
  })
  if (!loaded.ok) return loaded
  const { kafkaBrokers, redisUrl } = loaded.config
  if ((kafkaBrokers === undefined) !== (redisUrl === undefined)) {
    const missing = kafkaBrokers === undefined ? "KAFKA_BROKERS" : "REDIS_URL"
    const present = kafkaBrokers === undefined ? "REDIS_URL" : "KAFKA_BROKERS"
    return {
      ok: false,
      error: new ConfigError({ problems: [`${missing} is required when ${present} is set (distributed mode needs both; set neither to run embedded)`] })
    }
  }
  const mode = kafkaBrokers === undefined ? "embedded" : "distributed"
  const { sessionSecret } = loaded.config
  const secretProblem =
    sessionSecret === undefined
      ? mode === "distributed"
        ? "SESSION_SECRET is required in distributed mode (every instance must sign session tokens with the same secret)"
        : undefined
      : sessionSecret.length < SESSION_SECRET_MIN_LENGTH
        ? `SESSION_SECRET must be at least ${SESSION_SECRET_MIN_LENGTH} characters`
        : undefined
  if (secretProblem !== undefined) return { ok: false, error: new ConfigError({ problems: [secretProblem] }) }
  return {
    ok: true,
    config: { ...loaded.config, mode, sessionSecret: sessionSecret === undefined ? undefined : Redacted.make(sessionSecret) }
  }
}
