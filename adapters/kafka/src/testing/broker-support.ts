/**
 * Helpers both ways of starting the test broker share (Redpanda through testcontainers and Apache
 * Kafka from its Maven Central jars), and the `KAFKA_BROKERS` path too: the log prefix, elapsed-time
 * and startup deadlines, a free loopback port, waiting until a broker really answers, and deleting the
 * topics one run created.
 */
import { createServer } from "node:net"
import { Admin } from "@platformatic/kafka"

export const STARTUP_DEADLINE_MS = 90_000

export const log = (line: string): void => console.log(`[kasa:test-kafka] ${line}`)
export const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(1)} s`

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Deletes every topic whose name contains `runId`: each run names its topics with its own id. */
export const deleteRunTopics = async (brokers: string, runId: string): Promise<void> => {
  const admin = new Admin({ clientId: "kasa-test-cleanup", bootstrapBrokers: brokers.split(","), retries: 1, timeout: 10_000 })
  try {
    const topics = (await admin.listTopics()).filter((name) => name.includes(runId))
    if (topics.length > 0) await admin.deleteTopics({ topics })
  } finally {
    await admin.close().catch(() => {})
  }
}

/** Waits until a broker answers a metadata request (not only a TCP accept), or fails at the deadline. */
export const waitForBroker = async (brokers: string, deadline: number, explain: () => string, exited?: () => string | undefined): Promise<void> => {
  let last = "no answer yet"
  while (performance.now() < deadline) {
    const gone = exited?.()
    if (gone !== undefined) throw new Error(gone)
    const admin = new Admin({ clientId: "kasa-test-probe", bootstrapBrokers: brokers.split(","), retries: 0, timeout: 2_000, connectTimeout: 1_000 })
    try {
      await admin.metadata({ topics: [] })
      return
    } catch (error) {
      last = error instanceof Error ? error.message : String(error)
    } finally {
      await admin.close().catch(() => {})
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`Kafka did not answer within the deadline (${last}). ${explain()}`)
}

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
