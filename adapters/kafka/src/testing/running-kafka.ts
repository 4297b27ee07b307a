/**
 * What every way of getting the test broker hands back (KAFKA_BROKERS, Redpanda, the Maven jars). In
 * a file of its own so the ways of starting one (redpanda.ts, kafka-process.ts) and broker.ts, which
 * picks among them, all import it without importing each other in a circle.
 */
export interface RunningKafka {
  /** Bootstrap servers, "host:port[,host:port]". */
  readonly brokers: string
  /** How it was obtained: "KAFKA_BROKERS", "testcontainers", "maven-jars". */
  readonly source: string
  /** Deletes this run's topics (names containing `runId`). */
  readonly cleanup: (runId: string) => Promise<void>
  /** Stops the broker if this run started it. */
  readonly stop: () => Promise<void>
}
