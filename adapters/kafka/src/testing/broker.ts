/**
 * Finds or starts the real Kafka broker a test run uses (ARCHITECTURE §6, §6.1): `KAFKA_BROKERS` if
 * set; else Redpanda through testcontainers when a container runtime answers; else Apache Kafka 4.2.0
 * itself, KRaft single node, run from its Maven Central jars with the machine's Java (fetched once into
 * a cache folder, formatted into a temporary folder, started on free loopback ports). Whatever it
 * starts it stops, also when the run ends abruptly; it never skips: if nothing works it says what is
 * missing. This file is the public surface; the paths live in redpanda.ts and kafka-process.ts.
 */
import { deleteRunTopics, log, seconds, waitForBroker } from "./broker-support.ts"
import { startFromMavenJars } from "./kafka-process.ts"
import { KAFKA_VERSION } from "./maven-jars.ts"
import { containerRuntime, startRedpanda } from "./redpanda.ts"
import type { RunningKafka } from "./running-kafka.ts"

export type { RunningKafka }

/** The Apache Kafka version the Maven path runs (defined beside the jars it names). */
export { KAFKA_VERSION }

export const startOrFindKafka = async (): Promise<RunningKafka> => {
  const started = performance.now()
  const fromEnv = process.env.KAFKA_BROKERS?.trim()
  if (fromEnv) {
    await waitForBroker(fromEnv, performance.now() + 30_000, () => `nothing answers at KAFKA_BROKERS=${fromEnv}`)
    log(`using KAFKA_BROKERS=${fromEnv} (${seconds(started)})`)
    return { brokers: fromEnv, source: "KAFKA_BROKERS", cleanup: (runId) => deleteRunTopics(fromEnv, runId), stop: async () => {} }
  }
  const runtime = await containerRuntime()
  if (runtime !== undefined) {
    const kafka = await startRedpanda()
    log(`started Redpanda through testcontainers (${runtime}) at ${kafka.brokers} (${seconds(started)})`)
    return kafka
  }
  const { kafka, fetched } = await startFromMavenJars()
  log(`started Apache Kafka ${KAFKA_VERSION} from Maven Central jars (${fetched ? "jars fetched now" : "cached jars"}) at ${kafka.brokers} (${seconds(started)})`)
  return kafka
}
