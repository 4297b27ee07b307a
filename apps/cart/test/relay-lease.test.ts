// One relay at a time per outbox (SPEC §5), with real processes over real Kafka and Redis: two cart
// processes on one Redis share the `outbox:cart` stream. Without a lease both relayed it and every
// event went out about twice; with it the one holding the lease publishes and the other stands by.
// A. 1,000 adds spread over both processes: each event on cart-events exactly once.
// B. The lease holder is SIGKILLed in the middle of a burst: the other takes the lease over once it
//    lapses and publishes what is left; every committed event is on the topic at least once.
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { OutboxBacklog } from "@kasa/shared"
import { newSession, type Session } from "@kasa/test-support/app-harness"
import { runId, runPrefix } from "@kasa/test-support/infra"
import { killNow, type RunningProcess, stopProcess } from "@kasa/test-support/process"
import { waitFor } from "@kasa/test-support/wait-for"
import { cartProcesses } from "./cart-processes.ts"

const cart = cartProcesses()

/** Two cart processes on one Redis prefix, and a runtime that looks at the outbox, the carts and the topic. */
const scenario = (name: string) => {
  const keyPrefix = `${runPrefix}relay-lease-${name}:`
  const { runtime, streamFor, copiesOnTopic } = cart.probe(keyPrefix, { clientId: `relay-lease-${name}-${runId}` })
  const start = () => cart.start(keyPrefix)
  /** Event ids of every committed add (the carts' event streams are written atomically with the outbox). */
  const committed = async (sessions: ReadonlyArray<Session>) => (await Promise.all(sessions.map(streamFor))).flat()
  /** Waits until every one of `eventIds` is on the topic; returns how many copies of each. */
  const allOnTopic = async (eventIds: ReadonlyArray<string>, timeoutMs: number, more: () => string) => {
    let missing = -1
    return waitFor(
      async () => {
        const found = await copiesOnTopic(eventIds)
        missing = [...found.values()].filter((n) => n === 0).length
        return missing === 0 ? found : undefined
      },
      { timeoutMs, describe: () => `${missing} of ${eventIds.length} committed events not on the topic${more()}` }
    )
  }
  const pending = () => runtime.runPromise(Effect.map(Effect.flatMap(OutboxBacklog, (backlog) => backlog.stats), (stats) => stats.pending))
  return { runtime, start, committed, allOnTopic, pending }
}

const addItem = async (app: RunningProcess, session: Session, offer: string) => {
  const response = await fetch(`${app.url}/cart/items`, {
    method: "POST",
    headers: { "content-type": "application/json", "X-Session-Id": session.token },
    body: JSON.stringify({ offer_id: offer, quantity: 1, type: "offer" })
  })
  await response.arrayBuffer()
  return response.status
}

/** The process's relay role from its /metrics ("active" holds the lease). */
const roleOf = async (app: RunningProcess): Promise<string | undefined> => {
  const text = await (await fetch(`${app.url}/metrics`)).text()
  return /kasa_outbox_relay_role\{outbox="cart",role="(\w+)"\} 1/.exec(text)?.[1]
}

const offerFor = (session: number, add: number) => `filler-${String((session * 5 + add) % 50).padStart(2, "0")}`

/** `sessions.length` × 5 adds, each session's in sequence, 20 sessions at a time; add j of session i goes to `pick(i, j)`. */
const burst = async (sessions: ReadonlyArray<Session>, pick: (session: number, add: number) => RunningProcess | undefined, onAck: () => void) => {
  let next = 0
  const worker = async () => {
    for (let i = next++; i < sessions.length; i = next++) {
      for (let j = 0; j < 5; j++) {
        const app = pick(i, j)
        if (app === undefined) break
        const status = await addItem(app, sessions[i]!, offerFor(i, j)).catch(() => 0)
        if (status !== 201) break
        onAck()
      }
    }
  }
  await Promise.all(Array.from({ length: 20 }, worker))
}

describe("one relay per outbox, with two cart processes over Kafka and Redis", () => {
  test("A: 1,000 adds over two processes: each event on cart-events exactly once", async () => {
    const s = scenario("a")
    let a: RunningProcess | undefined
    let b: RunningProcess | undefined
    try {
      ;[a, b] = await Promise.all([s.start(), s.start()])
      const sessions = Array.from({ length: 200 }, () => newSession())
      let acked = 0
      const apps = [a, b]
      await burst(sessions, (i, j) => apps[(i + j) % 2], () => acked++)
      expect(acked).toBe(1_000)
      const ids = await s.committed(sessions)
      expect(ids).toHaveLength(1_000)
      let left = -1
      await waitFor(async () => (left = await s.pending()) === 0, { timeoutMs: 60_000, describe: () => `outbox entries left: ${left}` })
      const copies = await s.allOnTopic(ids, 30_000, () => "")
      const twice = [...copies.values()].filter((n) => n > 1).length
      expect(twice).toBe(0)
      expect([await roleOf(a), await roleOf(b)].sort()).toEqual(["active", "standby"])
    } finally {
      await Promise.all([stopProcess(a?.process), stopProcess(b?.process)])
      await s.runtime.dispose()
    }
  }, 180_000)

  test("B: the lease holder killed mid-burst: the other takes over and every committed event is on the topic", async () => {
    const s = scenario("b")
    let a: RunningProcess | undefined
    let b: RunningProcess | undefined
    try {
      ;[a, b] = await Promise.all([s.start(), s.start()])
      const roles = await waitFor(
        async () => {
          const found = [await roleOf(a!), await roleOf(b!)]
          return found.includes("active") ? found : undefined
        },
        { timeoutMs: 20_000, describe: () => "no process holds the lease" }
      )
      const [holder, other] = roles[0] === "active" ? [a, b] : [b, a]
      const sessions = Array.from({ length: 120 }, () => newSession())
      let acked = 0
      let killed = false
      // Half the adds go to the holder until it is killed (after 200 acknowledged adds), the rest to the other.
      const running = burst(sessions, (i, j) => ((i + j) % 2 === 0 ? (killed ? other : holder) : other), () => {
        if (++acked === 200 && !killed) {
          killed = true
          holder.process.kill("SIGKILL")
        }
      })
      await running
      await holder.process.exited
      expect(holder.process.signalCode).toBe("SIGKILL")

      const ids = await s.committed(sessions)
      expect(ids.length).toBeGreaterThanOrEqual(acked)
      const copies = await s.allOnTopic(ids, 60_000, () => `; survivor says ${other.output().slice(-2_000)}`)
      expect([...copies.values()].every((n) => n >= 1)).toBe(true)
      expect(await roleOf(other)).toBe("active")
      let left = -1
      await waitFor(async () => (left = await s.pending()) === 0, { timeoutMs: 30_000, describe: () => `outbox entries left: ${left}` })
      console.log(
        `relay-lease B: ${ids.length} committed events, ${acked} acknowledged; ${[...copies.values()].filter((n) => n > 1).length} published more than once (holder killed between publish and acknowledge)`
      )
    } finally {
      await Promise.all([killNow(a?.process), stopProcess(b?.process)])
      await s.runtime.dispose()
    }
  }, 180_000)
})
