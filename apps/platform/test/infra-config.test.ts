// Configuration from the environment: defaults, modes, and clear start-up errors naming the variable.
import { describe, expect, test } from "bun:test"
import { spawnApp } from "@kasa/test-support/process"
import { defaultInstanceId, loadInfraConfig } from "../src/infra-config.ts"

const cartMain = new URL("../../cart/src/main.ts", import.meta.url).pathname

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

  test("topic retention: 7 days, DLQs 30 days, unless TOPIC_RETENTION_MS / DLQ_RETENTION_MS say otherwise", () => {
    const day = 24 * 60 * 60 * 1000
    const defaults = loadInfraConfig({})
    expect(defaults.ok && [defaults.config.topicRetentionMs, defaults.config.dlqRetentionMs]).toEqual([7 * day, 30 * day])
    const set = loadInfraConfig({ TOPIC_RETENTION_MS: String(2 * day), DLQ_RETENTION_MS: String(60 * day) })
    expect(set.ok && [set.config.topicRetentionMs, set.config.dlqRetentionMs]).toEqual([2 * day, 60 * day])
    expect(problems({ TOPIC_RETENTION_MS: "-1" }).join("; ")).toContain("TOPIC_RETENTION_MS must be an integer from 3600000")
  })

  // The Kafka timings a user may tune: each has a default, takes 0 (at once) and refuses a value past its bound.
  const kafkaTimings = [
    { name: "KAFKA_COMMIT_INTERVAL_MS", field: "kafkaCommitIntervalMs", byDefault: 100, tooLarge: "60000", what: "a group member gathers handled offsets before it commits them" },
    { name: "KAFKA_FETCH_LINGER_MS", field: "kafkaFetchLingerMs", byDefault: 10, tooLarge: "5000", what: "a busy consumer lingers between fetches" }
  ] as const
  for (const { name, field, byDefault, tooLarge, what } of kafkaTimings) {
    test(`${what}: ${byDefault} ms unless ${name} says otherwise (0: at once; ${tooLarge} refused)`, () => {
      const defaults = loadInfraConfig({})
      expect(defaults.ok && defaults.config[field]).toBe(byDefault)
      const now = loadInfraConfig({ [name]: "0" })
      expect(now.ok && now.config[field]).toBe(0)
      expect(problems({ [name]: tooLarge }).join("; ")).toContain(`${name} must be an integer from 0`)
    })
  }

  test("the background thread runs at nice 10 unless BACKGROUND_NICE says otherwise (0: like the requests)", () => {
    const defaults = loadInfraConfig({})
    expect(defaults.ok && defaults.config.backgroundNice).toBe(10)
    const off = loadInfraConfig({ BACKGROUND_NICE: "0" })
    expect(off.ok && off.config.backgroundNice).toBe(0)
    expect(problems({ BACKGROUND_NICE: "-5" }).join("; ")).toContain("BACKGROUND_NICE must be an integer from 0")
    expect(problems({ BACKGROUND_NICE: "20" }).join("; ")).toContain("BACKGROUND_NICE must be an integer from 0")
  })

  const secret = "s".repeat(32)

  test("KAFKA_BROKERS and REDIS_URL: distributed", () => {
    const result = loadInfraConfig({ KAFKA_BROKERS: "a:9092, b:9092", REDIS_URL: "redis://127.0.0.1:6379", SESSION_SECRET: secret })
    expect(result.ok && result.config.mode).toBe("distributed")
    expect(result.ok && result.config.kafkaBrokers).toEqual(["a:9092", "b:9092"])
  })

  test.each([
    [{ KAFKA_BROKERS: "a:9092" }, "REDIS_URL is required when KAFKA_BROKERS is set"],
    [{ REDIS_URL: "redis://x:6379" }, "KAFKA_BROKERS is required when REDIS_URL is set"],
    [{ PORT: "eighty" }, "PORT must be an integer from 0 to 65535"],
    [{ TOPIC_PARTITIONS: "0" }, "TOPIC_PARTITIONS must be an integer from 1 to 1000"],
    [{ SESSION_TTL_SECONDS: "0" }, "SESSION_TTL_SECONDS must be an integer from 1 to 31536000"],
    [{ REDIS_URL: "not a url", KAFKA_BROKERS: "a:1" }, "REDIS_URL must be a URL"]
  ])("%o fails naming the variable", (env, message) => {
    expect(problems(env).join("; ")).toContain(message)
  })

  test("distributed without SESSION_SECRET fails naming it (every instance must sign with the same secret)", () => {
    expect(problems({ KAFKA_BROKERS: "a:9092", REDIS_URL: "redis://x:6379" }).join("; ")).toContain("SESSION_SECRET is required in distributed mode")
  })

  test("a short SESSION_SECRET is refused without echoing it", () => {
    const message = problems({ SESSION_SECRET: "hunter2-not-long-enough" }).join("; ")
    expect(message).toContain("SESSION_SECRET must be at least 32 characters")
    expect(message).not.toContain("hunter2")
  })

  test("the secret is kept redacted: printing the configuration does not show it", () => {
    const result = loadInfraConfig({ SESSION_SECRET: secret })
    if (!result.ok) throw result.error
    expect(result.config.mode).toBe("embedded")
    expect(`${JSON.stringify(result.config)} ${String(result.config.sessionSecret)}`).not.toContain(secret)
  })

  // SPEC §5: secrets never logged, not even in a configuration error.
  test.each([
    ["REDIS_URL", { REDIS_URL: "redis://kasa:hunter2@redis:notaport", KAFKA_BROKERS: "a:1" }],
    ["OTEL_EXPORTER_OTLP_ENDPOINT", { OTEL_EXPORTER_OTLP_ENDPOINT: "hunter2 is not a url" }],
    ["PORT", { PORT: "hunter2" }],
    ["OUTBOX_RELAY", { OUTBOX_RELAY: "hunter2" }]
  ])("a malformed %s is named but its value is never echoed", (name, env) => {
    const message = problems(env).join("; ")
    expect(message).toContain(`${name} must be`)
    expect(message).not.toContain("hunter2")
  })

  test("as a process: an app with a malformed REDIS_URL exits 1 naming it, without printing the password", async () => {
    const child = spawnApp(cartMain, { PORT: "0", KAFKA_BROKERS: "127.0.0.1:1", REDIS_URL: "redis://kasa:hunter2@redis:notaport" })
    const [code, out, err] = await Promise.all([child.exited, new Response(child.stdout).text(), new Response(child.stderr).text()])
    expect(code).toBe(1)
    expect(out + err).toContain("REDIS_URL must be a URL")
    expect(out + err).not.toContain("hunter2")
  })

  test("every problem is reported at once", () => {
    expect(problems({ PORT: "x", TOPIC_PARTITIONS: "y" })).toHaveLength(2)
  })

  test.each([
    [{}, "web-1-3000"],
    [{ PORT: "3002" }, "web-1-3002"],
    [{ PORT: "0" }, undefined],
    [{ PORT: "0", INSTANCE_ID: "cart-a" }, "cart-a"],
    [{ INSTANCE_ID: " " }, "web-1-3000"]
  ])("served app's instance id for %o: %p", (env, expected) => {
    expect(defaultInstanceId(env, "web-1")).toBe(expected)
  })
})
