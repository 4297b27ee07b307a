// Payment's records over a real PostgreSQL: a transaction created and moved through the state machine
// is read back whole, with one history row per change and its refunds; a webhook receipt is recorded
// once (the same gateway event id again is a WriteConflict, nothing of that write applied); a write
// naming a version that is gone is a WriteConflict; where a transaction was started (its correlation id
// and traceparent) is kept through its changes, in the record and its row.
import { afterAll, describe, expect, test } from "bun:test"
import { Effect, Layer, ManagedRuntime, Result } from "effect"
import { SqlClient } from "effect/sql"
import { layerPaymentRecords, layerPg, layerSqlState, paymentMigrations, runMigrations } from "@kasa/adapter-postgres"
import { initializeTransaction, type PaymentTransaction, PaymentRecords, transition, type TransactionEvent } from "@kasa/payment"
import { StateStore } from "@kasa/shared"
import { testPostgres } from "@kasa/test-support/infra"

const runtime = ManagedRuntime.make(
  Layer.unwrap(
    Effect.promise(async () => {
      const sql = layerPg((await testPostgres()).url)
      const migrated = Layer.effectDiscard(Effect.orDie(runMigrations("payment", paymentMigrations)))
      return Layer.mergeAll(layerPaymentRecords, layerSqlState({ outboxName: "payment-records-test" }), migrated).pipe(Layer.provideMerge(sql))
    })
  )
)
afterAll(() => runtime.dispose())
const run = <A, E>(effect: Effect.Effect<A, E, PaymentRecords | StateStore | SqlClient.SqlClient>) => runtime.runPromise(effect)
const at = "2026-12-01T10:00:00.000Z"

const created = (id: string) =>
  initializeTransaction(
    { transaction_id: id, order_id: `ord_${id}`, session_id: "sess_records", gateway: "sandbox", method_id: "card", amount_total: 12_345, currency: "PLN", redirect_url: `/sandbox/checkout/${id}` },
    new Date(at)
  ).transaction

const move = (tx: PaymentTransaction, event: TransactionEvent): PaymentTransaction => {
  const moved = transition(tx, event, new Date(at))
  if (Result.isFailure(moved) || moved.success._tag !== "Changed") throw new Error(`${event.kind} did not change ${tx.state}`)
  return moved.success.transaction
}

const commitChange = (before: PaymentTransaction | undefined, after: PaymentTransaction) =>
  run(
    Effect.gen(function* () {
      const records = yield* PaymentRecords
      const store = yield* StateStore
      return yield* Effect.result(store.commit({ records: before === undefined ? records.created(after, at) : records.changed(before, after, at) }))
    })
  )

describe("payment records: PostgreSQL", () => {
  test("a transaction is read back whole after each change, with a history row per version and its refund", async () => {
    const id = `tx_${Date.now()}`
    const t1 = created(id)
    expect((await commitChange(undefined, t1))._tag).toBe("Success")
    const t2 = move(t1, { kind: "succeeded", amount: 12_345, currency: "PLN", gateway_reference: "ref-1" })
    expect((await commitChange(t1, t2))._tag).toBe("Success")
    const t3 = move(t2, { kind: "refund_requested", refund_id: `rf_${id}`, amount: 345, reason: "damaged" })
    expect((await commitChange(t2, t3))._tag).toBe("Success")
    const t4 = move(t3, { kind: "refund_succeeded", refund_id: `rf_${id}` })
    expect((await commitChange(t3, t4))._tag).toBe("Success")

    expect(await run(Effect.flatMap(PaymentRecords, (records) => records.transaction(id)))).toEqual(t4)
    expect(await run(Effect.flatMap(PaymentRecords, (records) => records.latestForOrder(`ord_${id}`)))).toEqual(t4)
    const history = await run(
      Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ version: number; to_state: string }>`select version, to_state from payment_transaction_history where transaction_id = ${id} order by version`)
    )
    expect(history).toEqual(t4.history.map((entry, i) => ({ version: i + 1, to_state: entry.to })))
    const refunds = await run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ amount: bigint; state: string }>`select amount, state from payment_refunds where transaction_id = ${id}`))
    expect(refunds).toEqual([{ amount: 345n, state: "succeeded" }])
  })

  test("where a transaction was started (correlation id, traceparent) stays with it through its changes", async () => {
    const id = `tx_origin_${Date.now()}`
    const origin = { correlation_id: "corr_checkout_1", traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" }
    const t1 = initializeTransaction(
      { transaction_id: id, order_id: `ord_${id}`, session_id: "sess_records", gateway: "sandbox", method_id: "card", amount_total: 100, currency: "PLN", origin },
      new Date(at)
    ).transaction
    expect(t1).toMatchObject(origin)
    await commitChange(undefined, t1)
    const t2 = move(t1, { kind: "succeeded", amount: 100, currency: "PLN", gateway_reference: "ref-2" })
    expect((await commitChange(t1, t2))._tag).toBe("Success")
    expect(await run(Effect.flatMap(PaymentRecords, (records) => records.transaction(id)))).toMatchObject({ ...origin, state: "succeeded" })
    const row = await run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql`select correlation_id, traceparent from payment_transactions where transaction_id = ${id}`))
    expect(row).toEqual([origin])
  })

  test("a change from a version that is gone is a WriteConflict and applies nothing", async () => {
    const id = `tx_stale_${Date.now()}`
    const t1 = created(id)
    await commitChange(undefined, t1)
    const t2 = move(t1, { kind: "pending" })
    expect((await commitChange(t1, t2))._tag).toBe("Success")
    const stale = await commitChange(t1, move(t1, { kind: "failed", reason: "declined" }))
    expect(stale._tag === "Failure" && stale.failure._tag === "WriteConflict" && stale.failure.key).toBe(`payment_transaction:${id}`)
    expect((await run(Effect.flatMap(PaymentRecords, (records) => records.transaction(id))))?.state).toBe("pending")
  })

  test("a webhook receipt is recorded once: the same gateway event id again is a WriteConflict", async () => {
    const receipt = { gateway: "sandbox", gateway_event_id: `evt_${Date.now()}`, event_type: "payment.succeeded", transaction_id: "tx_r" }
    const write = () => run(Effect.flatMap(PaymentRecords, (records) => Effect.flatMap(StateStore, (store) => Effect.result(store.commit({ records: records.receipt(receipt, at) })))))
    expect(await run(Effect.flatMap(PaymentRecords, (records) => records.hasReceipt("sandbox", receipt.gateway_event_id)))).toBe(false)
    expect((await write())._tag).toBe("Success")
    const again = await write()
    expect(again._tag === "Failure" && again.failure._tag === "WriteConflict" && again.failure.key).toBe(`payment_webhook:sandbox:${receipt.gateway_event_id}`)
    expect(await run(Effect.flatMap(PaymentRecords, (records) => records.hasReceipt("sandbox", receipt.gateway_event_id)))).toBe(true)
  })
})
