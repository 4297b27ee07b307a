/** PLACEHOLDER (being written): finds or starts a real Kafka broker for tests. */
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
export const startOrFindKafka = async (): Promise<RunningKafka> => {
  throw new Error("Kafka test broker not implemented yet")
}
