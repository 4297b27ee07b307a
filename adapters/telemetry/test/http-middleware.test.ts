// The HTTP middleware: correlation ids (mint, keep, replace, echo) and the HTTP latency metric.
import { describe, expect, test } from "bun:test"
import { Effect, Layer, ManagedRuntime, Metric, References } from "effect"
import { Hono } from "hono"
import { httpTelemetry, inRequest, prometheusText } from "@kasa/adapter-telemetry"

const minted = /^corr_[0-9A-Za-z]{20}$/

const makeApp = (options: Parameters<typeof httpTelemetry>[0] = {}) => {
  const app = new Hono()
  app.use("*", httpTelemetry(options))
  app.get("/hello/:name", (c) => c.json({ correlationId: c.get("correlationId"), name: c.req.param("name") }))
  return app
}

const seen = async (response: Response): Promise<string> => ((await response.json()) as { correlationId: string }).correlationId

describe("httpTelemetry: correlation id", () => {
  const app = makeApp()

  test("mints one when the request has none, and echoes it", async () => {
    const response = await app.request("/hello/ada")
    const echoed = response.headers.get("X-Correlation-Id")
    expect(echoed).toMatch(minted)
    expect(await seen(response)).toBe(echoed!)
  })

  test("mints a different one per request", async () => {
    const a = (await app.request("/hello/a")).headers.get("X-Correlation-Id")
    const b = (await app.request("/hello/b")).headers.get("X-Correlation-Id")
    expect(a).not.toBe(b)
  })

  test("keeps a well-formed incoming id", async () => {
    const response = await app.request("/hello/ada", { headers: { "X-Correlation-Id": "corr_test123" } })
    expect(response.headers.get("X-Correlation-Id")).toBe("corr_test123")
    expect(await seen(response)).toBe("corr_test123")
  })

  test("replaces a malformed incoming id", async () => {
    for (const bad of ["has spaces in it", "semi;colon", "x".repeat(129), ""]) {
      const response = await app.request("/hello/ada", { headers: { "X-Correlation-Id": bad } })
      const echoed = response.headers.get("X-Correlation-Id")
      expect(echoed).toMatch(minted)
      expect(await seen(response)).toBe(echoed!)
    }
  })

  test("echoes it on 404s and on failed requests too", async () => {
    const failing = makeApp()
    failing.get("/boom", () => {
      throw new Error("kaput")
    })
    failing.onError((_error, c) => c.text("failed", 500))
    const notFound = await failing.request("/nowhere", { headers: { "X-Correlation-Id": "corr_404" } })
    expect(notFound.status).toBe(404)
    expect(notFound.headers.get("X-Correlation-Id")).toBe("corr_404")
    const failed = await failing.request("/boom", { headers: { "X-Correlation-Id": "corr_500" } })
    expect(failed.status).toBe(500)
    expect(failed.headers.get("X-Correlation-Id")).toBe("corr_500")
  })

  test("inRequest runs the handler's effect under the server span, annotated with the correlation id", async () => {
    const app = new Hono()
    app.use("*", httpTelemetry())
    app.get("/annotated", async (c) => {
      const seen = await Effect.runPromise(
        inRequest(
          c,
          Effect.gen(function* () {
            const span = yield* Effect.currentSpan
            const annotations = yield* References.CurrentLogAnnotations
            return { spanName: span.name, kind: span.kind, correlationId: annotations.correlation_id }
          })
        )
      )
      return c.json(seen)
    })
    const response = await app.request("/annotated", { headers: { "X-Correlation-Id": "corr_annotated" } })
    expect(await response.json()).toEqual({ spanName: "GET /annotated", kind: "server", correlationId: "corr_annotated" })
  })
})

describe("httpTelemetry: metrics", () => {
  test("observes latency by method, route template and status; unmatched routes share one label", async () => {
    const runtime = ManagedRuntime.make(Layer.succeed(Metric.MetricRegistry, new Map()))
    const app = makeApp({ runtime })
    await app.request("/hello/ada")
    await app.request("/hello/grace")
    await app.request("/nowhere/1")
    await app.request("/nowhere/2")
    const text = await runtime.runPromise(prometheusText())
    await runtime.dispose()
    const lines = text.split("\n")
    expect(lines).toContain('kasa_http_request_duration_seconds_count{method="GET",route="/hello/:name",status="200"} 2')
    expect(lines).toContain('kasa_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 2')
    expect(lines).toContain('kasa_http_request_duration_seconds_bucket{method="GET",route="/hello/:name",status="200",le="+Inf"} 2')
  })
})
