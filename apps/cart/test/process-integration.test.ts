// The cart as its own process (`apps/cart/src/main.ts`, started the way a user starts it), distributed
// over this run's real Kafka and Redis, and a consumer of cart-events in another process (a fresh
// consumer group through the product's EventBus port). One POST /cart/items: the other process
// receives the SPEC §3.1 envelope with the §3.4 payload, keyed by the session, with the §3.1 headers;
// and Redis holds SPEC §4.2's three keys for the session (read with a plain Redis client, under the
// process's REDIS_KEY_PREFIX). The session token the client holds is a credential that never leaves the
// HTTP edge: it is in no message, no Redis key or value and no log line, where the derived session_id
// is. What the in-process distributed test covers is not repeated here.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import type { Subprocess } from "bun"
import { createClient } from "redis"
import { isUuidv7, randomToken } from "@kasa/shared"
import { runGroup, runPrefix, testKafka, testRedis } from "@kasa/test-support/infra"
import { type RunningProcess, startApp, stopProcess } from "@kasa/test-support/process"
import { waitFor } from "@kasa/test-support/wait-for"
import { newSession, sessionOf, writeCatalogFile } from "./fixtures.ts"

const cartMain = new URL("../src/main.ts", import.meta.url).pathname
const listenerScript = new URL("./fixtures/cart-events-listener.ts", import.meta.url).pathname
const keyPrefix = `${runPrefix}cart-process:`

interface ListenerLine {
  readonly type: "ready" | "message"
  readonly key?: string
  readonly headers?: Record<string, string>
  readonly envelope?: Record<string, unknown>
  readonly raw?: string
}

interface Listener {
  readonly process: Subprocess<"ignore", "pipe", "pipe">
  readonly lines: () => ReadonlyArray<ListenerLine>
  readonly output: () => string
}

/** Starts the listener process and reads its stdout as JSON lines as they come. */
const startListener = (env: Record<string, string>): Listener => {
  const child = Bun.spawn([process.execPath, listenerScript], { env: { ...process.env, ...env }, stdin: "ignore", stdout: "pipe", stderr: "pipe" })
  let out = ""
  let err = ""
  const decoder = new TextDecoder()
  const pump = async (stream: ReadableStream<Uint8Array>, append: (text: string) => void) => {
    const reader = stream.getReader()
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) append(decoder.decode(chunk.value, { stream: true }))
  }
  void pump(child.stdout, (text) => (out += text))
  void pump(child.stderr, (text) => (err += text))
  const lines = (): ReadonlyArray<ListenerLine> =>
    out
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .flatMap((line) => {
        try {
          const parsed = JSON.parse(line) as ListenerLine
          return parsed.type === "ready" || parsed.type === "message" ? [parsed] : []
        } catch {
          return [] // a line still being written
        }
      })
  return { process: child, lines, output: () => `stdout:\n${out}\nstderr:\n${err}` }
}

/** Every key under `prefix` with its value (strings, streams, hashes, sets, sorted sets, lists), as one text to search. */
const redisDump = async (client: ReturnType<typeof createClient>, prefix: string): Promise<string> => {
  const parts: Array<string> = []
  for (const key of await client.keys(`${prefix}*`)) {
    const type = await client.type(key)
    const value =
      type === "string" ? await client.get(key)
      : type === "stream" ? await client.xRange(key, "-", "+")
      : type === "hash" ? await client.hGetAll(key)
      : type === "set" ? await client.sMembers(key)
      : type === "zset" ? await client.zRange(key, 0, -1)
      : type === "list" ? await client.lRange(key, 0, -1)
      : `(${type})`
    parts.push(`${key} ${JSON.stringify(value)}`)
  }
  return parts.join("\n")
}

let kafkaBrokers = ""
let redisUrl = ""
let catalog: Awaited<ReturnType<typeof writeCatalogFile>>
let redis: ReturnType<typeof createClient>

beforeAll(async () => {
  const [kafka, found] = await Promise.all([testKafka(), testRedis()])
  kafkaBrokers = kafka.brokers
  redisUrl = found.url
  catalog = await writeCatalogFile()
  redis = createClient({ url: redisUrl })
  redis.on("error", () => {})
  await redis.connect()
}, 120_000)

afterAll(async () => {
  redis?.destroy()
  await catalog?.remove()
})

describe("cart as its own process, over Kafka and Redis, with a consumer in another process", () => {
  test("POST /cart/items: the other process receives the SPEC envelope, key and headers; Redis holds the view, the event stream and the counter", async () => {
    const startedAt = Date.now()
    let cart: RunningProcess | undefined
    let listener: Listener | undefined
    try {
      cart = await startApp(cartMain, { KAFKA_BROKERS: kafkaBrokers, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: keyPrefix, CATALOG_DATA_FILE: catalog.file }, 60_000)
      const base = cart.url
      // The cart process provisions cart-events at start; the listener subscribes to it from then on.
      listener = startListener({ KAFKA_BROKERS: kafkaBrokers, GROUP: runGroup(`cart-events-listener-${randomToken(6)}`) })
      const l = listener
      await waitFor(
        () => {
          if (l.process.exitCode !== null) throw new Error(`the listener exited with ${l.process.exitCode}:\n${l.output()}`)
          return l.lines().find((line) => line.type === "ready")
        },
        { timeoutMs: 60_000, describe: l.output }
      )

      const session = newSession()
      const correlationId = `corr_process_${randomToken(12)}`
      const added = await fetch(`${base}/cart/items`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "X-Session-Id": session.token,
          "X-User-Id": "user_process_1",
          "X-Correlation-Id": correlationId,
          // So the idempotency record is among what must not hold the token either.
          "Idempotency-Key": `add-${randomToken(8)}`
        },
        body: JSON.stringify({ offer_id: "tv-55-oled", quantity: 2, type: "offer" })
      })
      const addedBody = (await added.json()) as Record<string, unknown>
      // A new cart counts its versions from the clock (a cart that expires and comes back reuses none), its first line named after its version.
      const v1 = addedBody.cart_version as number
      expect(v1).toBeGreaterThan(startedAt)
      const firstId = `item_${v1}`
      expect(added.status).toBe(201)
      expect(added.headers.get("X-Session-Id")).toBe(session.token)
      expect(added.headers.get("X-Correlation-Id")).toBe(correlationId)

      // The other process prints the message for this session within a bounded wait.
      const line = await waitFor(() => l.lines().find((candidate) => candidate.type === "message" && candidate.key === session.id), {
        timeoutMs: 30_000,
        describe: () => `listener saw keys ${JSON.stringify(l.lines().map((candidate) => candidate.key ?? candidate.type))}\n${cart?.output() ?? ""}`
      })

      // Message key and headers (SPEC §3.1).
      expect(line.key).toBe(session.id)
      expect(line.raw).toBeUndefined()
      const headers = line.headers!
      expect(headers.correlation_id).toBe(correlationId)
      expect(headers.event_name).toBe("cart.item_added")
      expect(headers["content-type"]).toBe("application/json")
      expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
      expect(headers.traceparent).not.toMatch(/^00-0{32}-|-0{16}-/)

      // The envelope: every SPEC §3.1 field, nothing else.
      const envelope = line.envelope!
      expect(Object.keys(envelope).sort()).toEqual(
        ["aggregate_id", "causation_id", "correlation_id", "event_id", "event_name", "event_version", "occurred_at", "payload", "producer"].sort()
      )
      expect(isUuidv7(envelope.event_id as string)).toBe(true)
      expect(envelope).toMatchObject({
        event_name: "cart.item_added",
        event_version: 1,
        aggregate_id: session.id,
        correlation_id: correlationId,
        causation_id: null,
        producer: "cart"
      })
      const occurredAt = envelope.occurred_at as string
      expect(occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
      expect(new Date(occurredAt).toISOString()).toBe(occurredAt)

      // The SPEC §3.4 payload of cart.item_added, with the cart snapshot after the change.
      const line1 = { item_id: firstId, offer_id: "tv-55-oled", type: "offer", name: 'OLED TV 55"', category: "tv", quantity: 2, unit_price: 499_900, parent_item_id: null }
      expect(envelope.payload).toEqual({
        session_id: session.id,
        user_id: "user_process_1",
        item_id: firstId,
        offer_id: "tv-55-oled",
        quantity: 2,
        price: 499_900,
        cart_total: 999_800,
        cart_version: v1,
        lines: [line1],
        currency: "PLN"
      })
      // One message for this session: the listener saw no second copy.
      expect(l.lines().filter((candidate) => candidate.type === "message" && candidate.key === session.id)).toHaveLength(1)

      // GET /cart answers the same body the POST did.
      const got = await fetch(`${base}/cart`, { headers: { "X-Session-Id": session.token } })
      const view = (await got.json()) as Record<string, unknown>
      expect(got.status).toBe(200)
      expect(view).toEqual(addedBody)
      expect(view).toEqual({
        session_id: session.id,
        items: [{ ...line1, line_total: 999_800 }],
        cart_total: 999_800,
        services_total: 0,
        currency: "PLN",
        item_count: 2,
        cart_version: v1
      })

      // Redis, read with a plain client under the process's prefix: exactly SPEC §4.2's three keys.
      const keys = (await redis.keys(`${keyPrefix}*${session.id}*`)).map((key) => key.slice(keyPrefix.length)).sort()
      expect(keys).toEqual([`cart:counter:${session.id}`, `cart:events:${session.id}`, `cart:view:${session.id}`])
      expect(await redis.type(`${keyPrefix}cart:view:${session.id}`)).toBe("string")
      expect(JSON.parse((await redis.get(`${keyPrefix}cart:view:${session.id}`))!)).toEqual(view)
      expect(await redis.get(`${keyPrefix}cart:counter:${session.id}`)).toBe("2")
      expect(await redis.type(`${keyPrefix}cart:events:${session.id}`)).toBe("stream")
      const stream = (await redis.xRange(`${keyPrefix}cart:events:${session.id}`, "-", "+")) ?? []
      expect(stream).toHaveLength(1)
      const entry = stream[0]!.message
      expect(entry.event_id).toBe(envelope.event_id as string)
      expect(entry.event_name).toBe("cart.item_added")
      expect(entry.cart_version).toBe(String(v1))
      // The entry is the envelope without its snapshot's lines: the view holds those.
      const { lines: _lines, ...payload } = envelope.payload as Record<string, unknown>
      expect(JSON.parse(entry.envelope!)).toEqual({ ...envelope, payload })

      // A token this process did not sign is replaced by a new session, which sees an empty cart.
      const forged = `st_${randomToken(24)}.${session.token.split(".")[1]}`
      const refused = await fetch(`${base}/cart`, { headers: { "X-Session-Id": forged } })
      expect(sessionOf(refused).id).not.toBe(session.id)
      expect(await refused.json()).toMatchObject({ items: [], cart_version: 0 })

      // The token (or its random part) is in no message, no Redis key or value, no log line; the
      // session_id is (so each search below looks where the session left traces).
      const secretPart = session.token.split(".")[0]!
      const dump = await redisDump(redis, keyPrefix)
      expect(dump).toContain(session.id)
      expect(l.output()).toContain(session.id)
      for (const [where, text] of [["the Kafka message (key, headers, envelope)", l.output()], ["Redis", dump], ["the cart process's log", cart.output()]] as const) {
        expect({ where, token: text.includes(session.token), randomPart: text.includes(secretPart) }).toEqual({ where, token: false, randomPart: false })
      }
    } finally {
      await Promise.all([stopProcess(listener?.process), stopProcess(cart?.process)])
    }
  }, 120_000)
})
