// Configuration from the environment: defaults, modes, and clear start-up errors naming the variable.
import { describe, expect, test } from "bun:test"
import { loadInfraConfig } from "../src/infra-config.ts"

const problems = (env: Record<string, string>) => {
  const result = loadInfraConfig(env)
  if (result.ok) throw new Error("expected a configuration error")
  return result.error.problems
}

describe("infrastructure configuration", () => {
  test("no variables: embedded on port 3000 with 3 partitions, replication 1", () => {
    const result = loadInfraConfig({})
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.config.mode).toBe("embedded")
    expect(result.config.port).toBe(3000)
    expect(result.config.topicPartitions).toBe(3)
    expect(result.config.topicReplicationFactor).toBe(1)
    expect(result.config.sessionTtlSeconds).toBe(30 * 24 * 60 * 60)
  })

  test("SESSION_TTL_SECONDS sets how long session state lives", () => {
    const result = loadInfraConfig({ SESSION_TTL_SECONDS: "3600" })
    expect(result.ok && result.config.sessionTtlSeconds).toBe(3600)
  })

  test("KAFKA_BROKERS and REDIS_URL: distributed", () => {
    const result = loadInfraConfig({ KAFKA_BROKERS: "a:9092, b:9092", REDIS_URL: "redis://127.0.0.1:6379" })
    expect(result.ok && result.config.mode).toBe("distributed")
    expect(result.ok && result.config.kafkaBrokers).toEqual(["a:9092", "b:9092"])
  })

  test.each([
    [{ KAFKA_BROKERS: "a:9092" }, "REDIS_URL is required when KAFKA_BROKERS is set"],
    [{ REDIS_URL: "redis://x:6379" }, "KAFKA_BROKERS is required when REDIS_URL is set"],
    [{ PORT: "eighty" }, 'PORT must be an integer from 0 to 65535, got "eighty"'],
    [{ TOPIC_PARTITIONS: "0" }, "TOPIC_PARTITIONS must be an integer from 1 to 1000"],
    [{ SESSION_TTL_SECONDS: "0" }, "SESSION_TTL_SECONDS must be an integer from 1 to 31536000"],
    [{ REDIS_URL: "not a url", KAFKA_BROKERS: "a:1" }, "REDIS_URL must be a URL"]
  ])("%o fails naming the variable", (env, message) => {
    expect(problems(env).join("; ")).toContain(message)
  })

  test("every problem is reported at once", () => {
    expect(problems({ PORT: "x", TOPIC_PARTITIONS: "y" })).toHaveLength(2)
  })
})
