// Order's records over a real PostgreSQL: an order created and moved through its lifecycle is read
// back whole, its lines once in their table, one history row per step (read back by `history`), a
// session's orders newest first; a change from a version that is gone is a WriteConflict and applies
// nothing.
import { afterAll, describe, expect, test } from "bun:test"
import { Effect, Layer, ManagedRuntime, Result } from "effect"
import { SqlClient } from "effect/sql"
import { layerOrderRecords, layerPg, layerSqlState, orderMigrations, runMigrations } from "@kasa/adapter-postgres"
import { createOrder, type LifecycleEvent, type Order, OrderRecords, transition } from "@kasa/order"
import { cardOrder } from "@kasa/order/testing/orders"
import { StateStore } from "@kasa/shared"
import { testPostgres } from "@kasa/test-support/infra"

const runtime = ManagedRuntime.make(
  Layer.unwrap(
    Effect.promise(async () => {
      const sql = layerPg((await testPostgres()).url)
      const migrated = Layer.effectDiscard(Effect.orDie(runMigrations("order", orderMigrations)))
      return Layer.mergeAll(layerOrderRecords, layerSqlState({ outboxName: "order-records-test" }), migrated).pipe(Layer.provideMerge(sql))
    })
  )
)
afterAll(() => runtime.dispose())
const run = <A, E>(effect: Effect.Effect<A, E, OrderRecords | StateStore | SqlClient.SqlClient>) => runtime.runPromise(effect)
const at = "2026-12-01T10:00:00.000Z"
const stamp = Date.now()

const created = (id: string, sessionId = `sess_records${stamp}`, when = new Date(at)) => createOrder({ ...cardOrder, order_id: id, session_id: sessionId }, when).order

const move = (order: Order, event: LifecycleEvent): Order => {
  const moved = transition(order, event, new Date(at))
  if (Result.isFailure(moved) || moved.success._tag !== "Changed") throw new Error(`${event.kind} did not change ${order.status}`)
  return moved.success.order
}

const commitChange = (before: Order | undefined, after: Order) =>
  run(
    Effect.gen(function* () {
      const records = yield* OrderRecords
      const store = yield* StateStore
      return yield* Effect.result(store.commit({ records: before === undefined ? records.created(after, at) : records.changed(before, after, at) }))
    })
  )

describe("order records: PostgreSQL", () => {
  test("an order is read back whole after each change, with its lines and a history row per step", async () => {
    const id = `ord_rec_${stamp}`
    const o1 = created(id)
    expect((await commitChange(undefined, o1))._tag).toBe("Success")
    const o2 = move(o1, { kind: "payment_succeeded", transaction_id: "txn_r" })
    expect((await commitChange(o1, o2))._tag).toBe("Success")
    const o3 = move(o2, { kind: "cancel_requested", reason: "changed_my_mind" })
    expect((await commitChange(o2, o3))._tag).toBe("Success")

    expect(await run(Effect.flatMap(OrderRecords, (records) => records.order(id)))).toEqual(o3)
    expect(await run(Effect.flatMap(OrderRecords, (records) => records.history(id)))).toEqual(o3.history)
    const lines = await run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ item_id: string; line_total: bigint }>`select item_id, line_total from order_lines where order_id = ${id} order by item_id`))
    expect(lines).toEqual([
      { item_id: "it_1", line_total: 7_000n },
      { item_id: "it_2", line_total: 1_000n }
    ])
    const row = await run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ status: string; version: number; transaction_id: string }>`select status, version, transaction_id from orders where order_id = ${id}`))
    expect(row).toEqual([{ status: "CANCELLING", version: 3, transaction_id: "txn_r" }])
  })

  test("a session's orders, newest first", async () => {
    const session = `sess_list${stamp}`
    await commitChange(undefined, created(`ord_old_${stamp}`, session, new Date("2026-12-01T09:00:00.000Z")))
    await commitChange(undefined, created(`ord_new_${stamp}`, session, new Date("2026-12-01T11:00:00.000Z")))
    expect((await run(Effect.flatMap(OrderRecords, (records) => records.ofSession(session)))).map((o) => o.order_id)).toEqual([`ord_new_${stamp}`, `ord_old_${stamp}`])
  })

  test("a change from a version that is gone is a WriteConflict and applies nothing; the same order twice too", async () => {
    const id = `ord_stale_${stamp}`
    const o1 = created(id)
    await commitChange(undefined, o1)
    const again = await commitChange(undefined, o1)
    expect(again._tag === "Failure" && again.failure._tag === "WriteConflict" && again.failure.key).toBe(`order:${id}`)
    expect((await commitChange(o1, move(o1, { kind: "payment_succeeded", transaction_id: "txn_s" })))._tag).toBe("Success")
    const stale = await commitChange(o1, move(o1, { kind: "cancel_requested", reason: "late" }))
    expect(stale._tag === "Failure" && stale.failure._tag === "WriteConflict" && stale.failure.key).toBe(`order:${id}`)
    expect((await run(Effect.flatMap(OrderRecords, (records) => records.order(id))))?.status).toBe("CONFIRMED")
    expect((await run(Effect.flatMap(OrderRecords, (records) => records.history(id)))).map((entry) => entry.to)).toEqual(["PAYMENT_PENDING", "CONFIRMED"])
  })
})
