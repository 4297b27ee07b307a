// Crash safety of the cart with real processes over real Kafka and Redis (SPEC §5, "No lost events"):
// the cart process (`apps/cart/src/main.ts`) is SIGKILLed right after it acknowledged a write (201).
// A. Deterministic: with its relay off (OUTBOX_RELAY=off) the event can only be in the Redis outbox,
//    not on the topic; a restarted process (relay on, same REDIS_KEY_PREFIX) publishes it exactly once
//    and the cart is intact.
// B. Racy by nature: relay on, killed right after the last 201 of a burst of adds, so each event may be
//    unpublished, published but not acknowledged (the restart republishes it) or done; whichever it
//    was, after the restart it is on the topic at least once and a consumer on the product's
//    runConsumer applies it exactly once (its processed markers absorb a republished copy).
import { describe, expect, test } from "bun:test"
import { Effect, Exit, Scope } from "effect"
import { EventBusAdmin, OutboxReader, randomToken, runConsumer, StateStore, Topics } from "@kasa/shared"
import { runGroup, runPrefix } from "@kasa/test-support/infra"
import { killNow, type RunningProcess, stopProcess } from "@kasa/test-support/process"
import { waitFor } from "@kasa/test-support/wait-for"
import { newSession, type Session } from "@kasa/test-support/app-harness"
import { cartProcesses } from "./cart-processes.ts"

const cart = cartProcesses()

/** A scenario's own Redis prefix, the cart process started under it, and a runtime that looks into both. */
const scenario = (name: string) => {
  const keyPrefix = `${runPrefix}cart-crash-${name}:`
  const { runtime, streamFor, copiesOnTopic } = cart.probe(keyPrefix, { clientId: `cart-crash-${name}`, sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, rebalanceTimeoutMs: 10_000 })
  const start = (relay: "on" | "off") => cart.start(keyPrefix, { OUTBOX_RELAY: relay })

  /** The ids of the session's events still in the cart's outbox stream. */
  const outboxFor = (session: Session) =>
    runtime.runPromise(
      Effect.map(Effect.flatMap(OutboxReader, (reader) => reader.pending(10_000)), (pending) =>
        pending.filter((entry) => entry.event.key === session.id).map((entry) => ({ event_id: entry.event.envelope.event_id, topic: entry.event.topic }))
      )
    )
  /** Everything in the cart's outbox stream (any session). */
  const outboxSize = () => runtime.runPromise(Effect.map(Effect.flatMap(OutboxReader, (reader) => reader.pending(10_000)), (pending) => pending.length))
  return { keyPrefix, runtime, start, outboxFor, outboxSize, streamFor, copiesOnTopic }
}

const addItem = async (app: RunningProcess, session: Session, correlationId: string, offer = "fridge-a") => {
  const response = await fetch(`${app.url}/cart/items`, {
    method: "POST",
    headers: { "content-type": "application/json", "X-Session-Id": session.token, "X-Correlation-Id": correlationId },
    body: JSON.stringify({ offer_id: offer, quantity: 1, type: "offer" })
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

const getCart = async (app: RunningProcess, session: Session) => {
  const response = await fetch(`${app.url}/cart`, { headers: { "X-Session-Id": session.token } })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

describe("cart crash safety, with real processes over Kafka and Redis", () => {
  test("A: killed after a 201 with its relay off, the event waits in the Redis outbox; the restarted process publishes it exactly once and the cart is intact", async () => {
    const s = scenario("a")
    let first: RunningProcess | undefined
    let second: RunningProcess | undefined
    try {
      first = await s.start("off")
      const session = newSession()
      const added = await addItem(first, session, `corr_crash_a_${randomToken(8)}`)
      expect(added.status).toBe(201)
      await killNow(first.process)
      expect(first.process.signalCode).toBe("SIGKILL")

      // The acknowledged write is in Redis: the cart's event stream and, atomically with it, the outbox.
      const [eventId] = await s.streamFor(session)
      expect(eventId).toBeDefined()
      expect(await s.outboxFor(session)).toEqual([{ event_id: eventId!, topic: Topics.cart }])
      // Nothing relayed it: it is not on the topic.
      expect((await s.copiesOnTopic([eventId!])).get(eventId!)).toBe(0)

      // Restart with the relay on, same prefix: the leftover is published.
      second = await s.start("on")
      let copies = 0
      await waitFor(async () => (copies = (await s.copiesOnTopic([eventId!])).get(eventId!)!) >= 1, {
        timeoutMs: 30_000,
        describe: () => `copies on cart-events: ${copies}\n${second?.output() ?? ""}`
      })
      // The relay acknowledges only what Kafka acknowledged: once the outbox is empty it has nothing
      // left to (re)publish, so the count on the topic is final.
      let left = -1
      await waitFor(async () => (left = await s.outboxSize()) === 0, { timeoutMs: 30_000, describe: () => `outbox entries left: ${left}` })
      expect((await s.copiesOnTopic([eventId!])).get(eventId!)).toBe(1)

      // The cart survived the kill as it was acknowledged.
      const after = await getCart(second, session)
      expect(after.status).toBe(200)
      expect(after.body).toEqual(added.body)
      const version = (added.body as { cart_version: number }).cart_version
      expect(after.body).toMatchObject({ session_id: session.id, cart_version: version, item_count: 1, items: [{ item_id: `item_${version}`, offer_id: "fridge-a", quantity: 1 }] })
    } finally {
      await Promise.all([killNow(first?.process), stopProcess(second?.process)])
      await s.runtime.dispose()
    }
  }, 120_000)

  test("B: killed right after the 201s of a burst of adds with its relay on, every event is on the topic at least once after the restart and a runConsumer consumer applies each exactly once", async () => {
    const s = scenario("b")
    const group = runGroup(`cart-crash-b-effects-${randomToken(6)}`)
    // A burst of writes (sessions in parallel, each session's adds in sequence), so that at the kill the
    // relay is likely busy: some events done, some published but not acknowledged, some not published.
    const sessions = Array.from({ length: 8 }, () => newSession())
    const offers = ["fridge-a", "tv-55-oled", "sofa-3", "filler-01", "filler-02"]
    const ours = new Set(sessions.map((session) => session.id))
    let first: RunningProcess | undefined
    let second: RunningProcess | undefined
    const scope = await s.runtime.runPromise(Scope.make())
    try {
      first = await s.start("on")
      // A consumer of cart-events on the product's consumer runtime: its effect is a counter per event,
      // written atomically with the processed marker, so a republished copy must change nothing.
      const consumer = await s.runtime.runPromise(
        runConsumer({
          group,
          topics: [Topics.cart],
          handler: (event) =>
            Effect.succeed(ours.has(event.envelope.aggregate_id) ? { ops: [{ op: "incrementBy" as const, key: `effects:${event.envelope.event_id}`, by: 1 }] } : undefined)
        }).pipe(Scope.provide(scope))
      )
      await s.runtime.runPromise(consumer.ready)

      const app = first
      const last = await Promise.all(
        sessions.map(async (session) => {
          let answer = { status: 0, body: {} as Record<string, unknown> }
          for (const offer of offers) {
            answer = await addItem(app, session, `corr_crash_b_${randomToken(8)}`, offer)
            if (answer.status !== 201) return answer
          }
          return answer
        })
      )
      // SIGKILL the moment the last write is acknowledged.
      await killNow(first.process)
      expect(last.map((answer) => answer.status)).toEqual(sessions.map(() => 201))
      expect(first.process.signalCode).toBe("SIGKILL")

      // Every acknowledged write's event, from the carts' event streams (written atomically with the outbox).
      const eventIds = (await Promise.all(sessions.map((session) => s.streamFor(session)))).flat()
      expect(eventIds).toHaveLength(sessions.length * offers.length)
      const atKill = { outbox: (await Promise.all(sessions.map((session) => s.outboxFor(session)))).flat().length, copies: await s.copiesOnTopic(eventIds) }

      second = await s.start("on")
      let left = -1
      await waitFor(async () => (left = await s.outboxSize()) === 0, {
        timeoutMs: 30_000,
        describe: () => `outbox entries left: ${left}\n${second?.output() ?? ""}`
      })
      // Drained: whatever was left is on the topic now, once or (published before the kill but not
      // acknowledged) twice.
      const copies = await s.copiesOnTopic(eventIds)
      expect(eventIds.filter((id) => (copies.get(id) ?? 0) < 1)).toEqual([])

      // The consumer has handled every copy once its group has no lag on cart-events (offsets are
      // committed after handling); then every effect must have been applied exactly once.
      let seen = "not read yet"
      const applied = await waitFor(
        () =>
          s.runtime.runPromise(
            Effect.gen(function* () {
              const store = yield* StateStore
              const admin = yield* EventBusAdmin
              const counts = (yield* store.getMany(eventIds.map((id) => `effects:${id}`))).map((value) => Number(value ?? 0))
              const rows = yield* admin.groupLag(group, [Topics.cart])
              seen = `effects ${JSON.stringify(counts)}, lag ${JSON.stringify(rows.map((row) => [row.partition, row.committed, row.end]))}`
              return counts.every((count) => count >= 1) && rows.length > 0 && rows.every((row) => row.lag === 0) ? counts : undefined
            })
          ),
        { timeoutMs: 60_000, describe: () => seen }
      )
      expect(applied).toEqual(eventIds.map(() => 1))
      const published = [...copies.values()]
      console.log(
        `crash-safety B: ${eventIds.length} events; at the kill ${atKill.outbox} were still in the outbox and ${[...atKill.copies.values()].filter((n) => n > 0).length} on the topic; ` +
          `after the restart ${published.filter((n) => n === 1).length} are on the topic once, ${published.filter((n) => n > 1).length} more than once; every effect applied once`
      )

      // Every cart survived the kill as it was last acknowledged.
      const carts = await Promise.all(sessions.map((session) => getCart(second!, session)))
      expect(carts.map((cart) => cart.status)).toEqual(sessions.map(() => 200))
      expect(carts.map((cart) => cart.body)).toEqual(last.map((answer) => answer.body))
    } finally {
      await Promise.all([killNow(first?.process), stopProcess(second?.process)])
      await s.runtime.runPromise(Scope.close(scope, Exit.void))
      await s.runtime.dispose()
    }
  }, 120_000)
})
