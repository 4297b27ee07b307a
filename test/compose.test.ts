// compose.yaml cannot run here (no Docker engine); this keeps it valid and complete.
import { expect, test } from "bun:test"

const compose = Bun.YAML.parse(await Bun.file(new URL("../compose.yaml", import.meta.url)).text()) as {
  services: Record<string, { image?: string; build?: unknown; command?: unknown; environment?: Record<string, string> }>
}

test("compose.yaml has the broker, its console, Redis, Jaeger, a mail catcher and the apps", () => {
  const services = compose.services
  for (const name of ["redpanda", "redpanda-console", "redis", "jaeger", "mailpit", "shop", "provision", "catalog", "cart", "services", "promotion", "shipping"]) expect(services[name]).toBeDefined()
  expect(services.shop!.build).toBe(".")
  expect(services.shop!.environment!.KAFKA_BROKERS).toBe("redpanda:9092")
  expect(services.shop!.environment!.REDIS_URL).toBe("redis://redis:6379")
  expect(services.shop!.environment!.OTEL_EXPORTER_OTLP_ENDPOINT).toBe("http://jaeger:4318")
})

// SPEC §5: what a shopper was told succeeded, and what a consumer committed, survives a Redis crash.
test("compose's Redis writes an append-only file and fsyncs it on every write", () => {
  const command = compose.services.redis!.command
  expect(Array.isArray(command)).toBe(true)
  const args = command as ReadonlyArray<string>
  const option = (name: string) => args[args.lastIndexOf(name) + 1]
  expect([option("--appendonly"), option("--appendfsync")]).toEqual(["yes", "always"])
})
