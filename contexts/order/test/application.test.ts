// The order's use cases over its real records (PGlite: the same SQL as PostgreSQL, in this process):
// the consumer's writes (an order created once from checkout.order_created; a fact for an order not
// created yet parked and applied at creation, and a park that races the creation losing, then
// applying to the order; a fact the lifecycle rejects dead-lettered), and the commands and reads
// (a session sees and cancels only its own orders, an admin any; cancel before and after payment,
// then the refund; the fulfilment walk with its delivery events; history from its table). Every
// commit's events are read back from the records' outbox, written in the same transaction.
import { afterAll, describe, expect, test } from "bun:test"
import { Effect, Layer, ManagedRuntime } from "effect"
import { SqlClient } from "effect/sql"
import { layerOrderRecords, layerPgliteSql, layerSqlState, orderMigrations, runMigrations } from "@kasa/adapter-postgres"
import {
  type Caller,
  cancelOrder,
  createOrderWrite,
  getOrder,
  listOrders,
  type NewOrder,
  type OrderFact,
  orderFactWrite,
  orderHistory,
  type OrderRecords,
  setOrderStatus
} from "@kasa/order"
import { cardOrder, codOrder } from "@kasa/order/testing/orders"
import { type AtomicWrite, makeEnvelope, StateStore } from "@kasa/shared"

const runtime = ManagedRuntime.make(
  Layer.mergeAll(layerOrderRecords, layerSqlState({ outboxName: "order-test" }), Layer.effectDiscard(Effect.orDie(runMigrations("order", orderMigrations)))).pipe(
    Layer.provideMerge(layerPgliteSql())
  )
)
afterAll(() => runtime.dispose())

type Services = OrderRecords | StateStore | SqlClient.SqlClient
const run = <A, E>(effect: Effect.Effect<A, E, Services>) => runtime.runPromise(effect)
const attempt = <A, E>(effect: Effect.Effect<A, E, Services>) => runtime.runPromise(Effect.result(effect))

const causedBy = (name: string) => makeEnvelope({ eventName: name, aggregateId: "sess_1", correlationId: "corr_app", producer: "test", payload: {} })
const commit = (write: AtomicWrite | undefined) => run(Effect.flatMap(StateStore, (store) => store.commit(write ?? {})))
const orderOf = (id: string): NewOrder => ({ ...cardOrder, order_id: id })
const created = async (order: NewOrder) => commit(await run(createOrderWrite(order, causedBy("checkout.order_created"))))
const hear = async (orderId: string, fact: OrderFact) => commit(await run(orderFactWrite(orderId, fact, causedBy("payment.event"))))

/** The order's events in the outbox, in the order they were written. */
const published = (orderId: string) =>
  run(
    Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ envelope: string; topic: string }>`select envelope, topic from kasa_outbox where key = ${orderId} order by id`)
  ).then((rows) => rows.map((row) => `${row.topic} ${(JSON.parse(row.envelope) as { event_name: string }).event_name}`))

const payloadOf = (orderId: string, name: string) =>
  run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ envelope: string }>`select envelope from kasa_outbox where key = ${orderId} order by id`)).then(
    (rows) => rows.map((row) => JSON.parse(row.envelope) as { event_name: string; payload: Record<string, unknown> }).find((e) => e.event_name === name)?.payload
  )

const owner: Caller = { kind: "session", session_id: cardOrder.session_id }
const stranger: Caller = { kind: "session", session_id: "sess_other" }
const admin: Caller = { kind: "admin" }

describe("the consumer's writes", () => {
  test("checkout.order_created creates the order and order.created once; a redelivery writes nothing", async () => {
    await created(orderOf("ord_c1"))
    expect((await run(getOrder(owner, "ord_c1"))).status).toBe("PAYMENT_PENDING")
    expect(await run(createOrderWrite(orderOf("ord_c1"), causedBy("checkout.order_created")))).toBeUndefined()
    expect(await published("ord_c1")).toEqual(["order-events order.created"])
    await created({ ...codOrder, order_id: "ord_c2" })
    expect((await run(getOrder(owner, "ord_c2"))).status).toBe("PENDING")
  })

  test("facts that arrive before the order are parked and applied, in order, when it is created", async () => {
    await hear("ord_p1", { kind: "payment_initialized", transaction_id: "txn_p1" })
    await hear("ord_p1", { kind: "payment_succeeded", transaction_id: "txn_p1" })
    expect(await published("ord_p1")).toEqual([])
    expect(await attempt(getOrder(admin, "ord_p1"))).toMatchObject({ _tag: "Failure" })
    await created(orderOf("ord_p1"))
    const order = await run(getOrder(owner, "ord_p1"))
    expect([order.status, order.payment.transaction_id, order.payment.status]).toEqual(["CONFIRMED", "txn_p1", "succeeded"])
    expect(await published("ord_p1")).toEqual(["order-events order.created", "order-events order.confirmed"])
    expect((await run(orderHistory(owner, "ord_p1"))).history.map((entry) => entry.event)).toEqual(["created", "payment_initialized", "payment_succeeded"])
  })

  test("a park that races the creation loses (WriteConflict), and run again applies to the order", async () => {
    const park = await run(orderFactWrite("ord_p2", { kind: "payment_succeeded", transaction_id: "txn_p2" }, causedBy("payment.succeeded")))
    await created(orderOf("ord_p2"))
    const lost = await runtime.runPromise(Effect.result(Effect.flatMap(StateStore, (store) => store.commit(park ?? {}))))
    expect(lost._tag === "Failure" && lost.failure._tag).toBe("WriteConflict")
    await hear("ord_p2", { kind: "payment_succeeded", transaction_id: "txn_p2" })
    expect((await run(getOrder(owner, "ord_p2"))).status).toBe("CONFIRMED")
  })

  test("a fact the lifecycle rejects is a PermanentFailure (dead-lettered); a stale or replayed one writes nothing", async () => {
    await created(orderOf("ord_f1"))
    await hear("ord_f1", { kind: "payment_succeeded", transaction_id: "txn_f1" })
    const second = await attempt(orderFactWrite("ord_f1", { kind: "payment_succeeded", transaction_id: "txn_other" }, causedBy("payment.succeeded")))
    expect(second._tag === "Failure" && second.failure._tag).toBe("PermanentFailure")
    expect(await run(orderFactWrite("ord_f1", { kind: "payment_succeeded", transaction_id: "txn_f1" }, causedBy("payment.succeeded")))).toBeUndefined()
    expect(await run(orderFactWrite("ord_f1", { kind: "payment_failed", transaction_id: "txn_f1", reason: "late" }, causedBy("payment.failed")))).toBeUndefined()
  })

  test("saga: a reservation that expired before the payment succeeded → the paid order is cancelled and refunded", async () => {
    await created(orderOf("ord_s1"))
    await hear("ord_s1", { kind: "payment_succeeded", transaction_id: "txn_s1" })
    await hear("ord_s1", { kind: "reservation_expired" })
    const order = await run(getOrder(admin, "ord_s1"))
    expect([order.status, order.cancel_reason]).toEqual(["CANCELLING", "reservation_expired"])
    await hear("ord_s1", { kind: "refunded", refund_id: "rf_s1", refund_amount: 10_000, fully_refunded: true })
    expect((await run(getOrder(admin, "ord_s1"))).status).toBe("REFUNDED")
    expect(await published("ord_s1")).toEqual(["order-events order.created", "order-events order.confirmed", "order-events order.cancellation_requested", "order-events order.refunded"])
  })
})

describe("commands and reads", () => {
  test("a session sees only its own orders; an admin any; another session's list is forbidden", async () => {
    await created(orderOf("ord_r1"))
    expect((await attempt(getOrder(stranger, "ord_r1")))).toMatchObject({ _tag: "Failure", failure: { _tag: "OrderNotFound" } })
    expect((await attempt(orderHistory(stranger, "ord_r1")))).toMatchObject({ _tag: "Failure", failure: { _tag: "OrderNotFound" } })
    expect((await run(getOrder(admin, "ord_r1"))).order_id).toBe("ord_r1")
    expect((await run(listOrders(owner, cardOrder.session_id))).orders.map((o) => o.order_id)).toContain("ord_r1")
    expect((await attempt(listOrders(stranger, cardOrder.session_id)))).toMatchObject({ _tag: "Failure", failure: { _tag: "OrdersForbidden" } })
    expect((await run(listOrders(admin, "sess_other"))).orders).toEqual([])
  })

  test("cancel before payment → CANCELLED, order.cancelled with the reservation; again → the same answer, nothing more; a stranger's cancel → not found, nothing written", async () => {
    await created(orderOf("ord_x1"))
    expect((await attempt(cancelOrder(stranger, "ord_x1", "mine now", "corr_x")))).toMatchObject({ _tag: "Failure", failure: { _tag: "OrderNotFound" } })
    const cancelled = await run(cancelOrder(owner, "ord_x1", "changed_my_mind", "corr_x"))
    expect([cancelled.status, cancelled.cancel_reason]).toEqual(["CANCELLED", "changed_my_mind"])
    expect(await run(cancelOrder(owner, "ord_x1", "again", "corr_x"))).toEqual(cancelled)
    expect(await published("ord_x1")).toEqual(["order-events order.created", "order-events order.cancelled"])
    expect(await payloadOf("ord_x1", "order.cancelled")).toMatchObject({ status: "CANCELLED", previous_status: "PAYMENT_PENDING", reason: "changed_my_mind", reservation_id: "res_1" })
  })

  test("cancel after payment → CANCELLING with the refund asked for → payment.refunded → REFUNDED", async () => {
    await created(orderOf("ord_x2"))
    await hear("ord_x2", { kind: "payment_succeeded", transaction_id: "txn_x2" })
    const cancelling = await run(cancelOrder(admin, "ord_x2", "out_of_stock", "corr_x2"))
    expect(cancelling.status).toBe("CANCELLING")
    expect(await payloadOf("ord_x2", "order.cancellation_requested")).toMatchObject({ transaction_id: "txn_x2", refund_amount: 10_000, currency: "PLN", reason: "out_of_stock" })
    await hear("ord_x2", { kind: "refunded", refund_id: "rf_x2", refund_amount: 10_000, fully_refunded: true })
    const refunded = await run(getOrder(owner, "ord_x2"))
    expect([refunded.status, refunded.payment.status, refunded.payment.refunded_amount]).toEqual(["REFUNDED", "refunded", 10_000])
    const history = await run(orderHistory(owner, "ord_x2"))
    expect(history.history.map((entry) => [entry.from, entry.to])).toEqual([
      [null, "PAYMENT_PENDING"],
      ["PAYMENT_PENDING", "CONFIRMED"],
      ["CONFIRMED", "CANCELLING"],
      ["CANCELLING", "REFUNDED"]
    ])
    expect(history.history[2]!.reason).toBe("out_of_stock")
  })

  test("fulfilment, one step at a time, with its delivery events; a skipped step → IllegalTransition; out for delivery → not cancellable", async () => {
    await created(orderOf("ord_w1"))
    await hear("ord_w1", { kind: "payment_succeeded", transaction_id: "txn_w1" })
    expect((await attempt(setOrderStatus("ord_w1", { status: "OUT_FOR_DELIVERY" }, "corr_w")))).toMatchObject({ _tag: "Failure", failure: { _tag: "IllegalTransition" } })
    for (const status of ["PREPARING", "READY_FOR_PICKUP", "OUT_FOR_DELIVERY"] as const) {
      expect((await run(setOrderStatus("ord_w1", { status, ...(status === "OUT_FOR_DELIVERY" ? { tracking_number: "TRK9" } : {}) }, "corr_w"))).status).toBe(status)
    }
    expect((await attempt(cancelOrder(owner, "ord_w1", "too late", "corr_w")))).toMatchObject({ _tag: "Failure", failure: { _tag: "OrderNotCancellable" } })
    expect((await run(setOrderStatus("ord_w1", { status: "DELIVERED" }, "corr_w"))).status).toBe("DELIVERED")
    expect((await run(setOrderStatus("ord_w1", { status: "DELIVERED" }, "corr_w"))).status).toBe("DELIVERED")
    expect(await published("ord_w1")).toEqual([
      "order-events order.created",
      "order-events order.confirmed",
      "order-events order.preparing",
      "order-events order.ready_for_pickup",
      "delivery-events delivery.assigned",
      "order-events order.out_for_delivery",
      "delivery-events delivery.picked_up",
      "delivery-events delivery.in_transit",
      "order-events order.delivered",
      "delivery-events delivery.delivered"
    ])
  })
})
