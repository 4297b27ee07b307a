/**
 * The configuration every app shares (SPEC §8): where the broker, Redis and the trace collector are,
 * and how topics are provisioned. Without KAFKA_BROKERS and REDIS_URL an app runs embedded; with
 * one but not the other it refuses to start, naming the missing variable, rather than half-distribute.
 */
import { ConfigError, DEFAULT_SESSION_TTL_SECONDS, loadConfig, type ConfigOf } from "@kasa/shared"
import { integer, list, oneOf, optional, string, url, withDefault } from "@kasa/shared/config"

export const infraSpec = {
  port: withDefault(integer("PORT", 0, 65_535), 3000),
  kafkaBrokers: optional(list("KAFKA_BROKERS")),
  redisUrl: optional(url("REDIS_URL")),
  redisKeyPrefix: withDefault(string("REDIS_KEY_PREFIX"), ""),
  otlpEndpoint: optional(url("OTEL_EXPORTER_OTLP_ENDPOINT")),
  topicPartitions: withDefault(integer("TOPIC_PARTITIONS", 1, 1_000), 3),
  topicReplicationFactor: withDefault(integer("TOPIC_REPLICATION_FACTOR", 1, 10), 1),
  adminToken: optional(string("ADMIN_TOKEN")),
  /** "off" leaves the outbox to a relay running elsewhere (another instance or process). */
  outboxRelay: withDefault(oneOf("OUTBOX_RELAY", ["on", "off"]), "on"),
  serviceName: withDefault(string("OTEL_SERVICE_NAME"), "kasa"),
  /** How long session-scoped state lives without activity (SPEC §2). */
  sessionTtlSeconds: withDefault(integer("SESSION_TTL_SECONDS", 1, 365 * 24 * 60 * 60), DEFAULT_SESSION_TTL_SECONDS)
}

export type InfraConfig = ConfigOf<typeof infraSpec> & {
  readonly mode: "embedded" | "distributed"
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
  return { ok: true, config: { ...loaded.config, mode: kafkaBrokers === undefined ? "embedded" : "distributed" } }
}
