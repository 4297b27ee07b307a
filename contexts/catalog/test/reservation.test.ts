// The pure rules of a stock reservation: request checks and merging, shortages, replays, commit,
// release and expiry decisions, and the stored form.
import { describe, expect, test } from "bun:test"
import {
  checkReason,
  checkRequest,
  commitDecision,
  decodeReservation,
  encodeReservation,
  isExpired,
  newReservation,
  releaseDecision,
  replayDecision,
  type Reservation,
  type ReserveRequest,
  shortages,
  type ShortLine
} from "@kasa/catalog"

const request = (lines: ReserveRequest["lines"], extra: Partial<ReserveRequest> = {}): ReserveRequest => ({
  orderId: "ord_1",
  sessionId: "sess_1",
  correlationId: "corr_1",
  lines,
  ttlSeconds: 900,
  ...extra
})

const t0 = Date.parse("2026-03-01T10:00:00.000Z")
const held: Reservation = newReservation(request([{ offer_id: "tv-1", quantity: 1 }]), [{ offer_id: "tv-1", quantity: 1 }], "rsv_1", t0)

describe("checkRequest", () => {
  test.each<[string, ReserveRequest, ReadonlyArray<string>]>([
    ["one line", request([{ offer_id: "tv-1", quantity: 2 }]), []],
    ["lines of one offer merged", request([{ offer_id: "tv-1", quantity: 2 }, { offer_id: "tv-1", quantity: 3 }]), []],
    ["no lines", request([]), ["lines"]],
    ["a zero quantity", request([{ offer_id: "tv-1", quantity: 0 }]), ["lines.0.quantity"]],
    ["a fractional quantity", request([{ offer_id: "a", quantity: 1 }, { offer_id: "tv-1", quantity: 0.5 }]), ["lines.1.quantity"]],
    ["an empty offer id", request([{ offer_id: "", quantity: 1 }]), ["lines.0.offer_id"]],
    ["an offer id with spaces", request([{ offer_id: "tv 1", quantity: 1 }]), ["lines.0.offer_id"]],
    ["a zero ttl", request([{ offer_id: "tv-1", quantity: 1 }], { ttlSeconds: 0 }), ["ttl_seconds"]],
    ["an infinite ttl", request([{ offer_id: "tv-1", quantity: 1 }], { ttlSeconds: Number.POSITIVE_INFINITY }), ["ttl_seconds"]],
    ["no order id", request([{ offer_id: "tv-1", quantity: 1 }], { orderId: "" }), ["order_id"]],
    ["no session id", request([{ offer_id: "tv-1", quantity: 1 }], { sessionId: "" }), ["session_id"]],
    ["no correlation id", request([{ offer_id: "tv-1", quantity: 1 }], { correlationId: "" }), ["correlation_id"]],
    ["too many units of one offer", request([{ offer_id: "tv-1", quantity: 6_000 }, { offer_id: "tv-1", quantity: 6_000 }]), ["lines"]]
  ])("%s", (_, input, fields) => {
    expect(checkRequest(input).problems.map((p) => p.slice(0, p.indexOf(":")))).toEqual([...fields])
  })

  test("merges lines per offer and sorts them by offer id", () => {
    expect(checkRequest(request([{ offer_id: "z", quantity: 1 }, { offer_id: "a", quantity: 2 }, { offer_id: "z", quantity: 4 }])).lines).toEqual([
      { offer_id: "a", quantity: 2 },
      { offer_id: "z", quantity: 5 }
    ])
  })
})

test.each<[string, ReadonlyArray<string>]>([
  ["expired", []],
  ["order_cancelled", []],
  ["", ["reason"]],
  ["Payment Failed", ["reason"]],
  ["x".repeat(65), ["reason"]]
])("checkReason(%s)", (reason, fields) => {
  expect(checkReason(reason).map((p) => p.slice(0, p.indexOf(":")))).toEqual([...fields])
})

test("newReservation holds the lines until ttlSeconds after now", () => {
  expect(newReservation(request([{ offer_id: "tv-1", quantity: 1 }], { ttlSeconds: 1.5 }), [{ offer_id: "tv-1", quantity: 1 }], "rsv_9", t0)).toEqual({
    reservation_id: "rsv_9",
    order_id: "ord_1",
    session_id: "sess_1",
    correlation_id: "corr_1",
    lines: [{ offer_id: "tv-1", quantity: 1 }],
    status: "reserved",
    reserved_at: "2026-03-01T10:00:00.000Z",
    expires_at: "2026-03-01T10:00:01.500Z"
  })
})

describe("shortages", () => {
  const stock: Record<string, number> = { a: 3, b: 0, c: 10 }
  test.each<[string, ReadonlyArray<{ offer_id: string; quantity: number }>, ReadonlyArray<ShortLine>]>([
    ["everything there", [{ offer_id: "a", quantity: 3 }, { offer_id: "c", quantity: 10 }], []],
    ["one line short", [{ offer_id: "a", quantity: 4 }, { offer_id: "c", quantity: 1 }], [{ offer_id: "a", requested: 4, available: 3 }]],
    ["sold out and unknown", [{ offer_id: "b", quantity: 1 }, { offer_id: "x", quantity: 2 }], [{ offer_id: "b", requested: 1, available: 0 }, { offer_id: "x", requested: 2, available: 0 }]]
  ])("%s", (_, lines, expected) => {
    expect(shortages(lines, (id) => stock[id] ?? 0)).toEqual(expected)
  })

  test("a negative counter reads as 0 available", () => {
    expect(shortages([{ offer_id: "a", quantity: 1 }], () => -5)).toEqual([{ offer_id: "a", requested: 1, available: 0 }])
  })
})

describe("decisions", () => {
  const committed: Reservation = { ...held, status: "committed", committed_at: "2026-03-01T10:05:00.000Z" }
  const released: Reservation = { ...held, status: "released", released_at: "2026-03-01T10:05:00.000Z", release_reason: "payment_failed" }
  const now = t0 + 60_000

  test.each<[string, Reservation, ReadonlyArray<{ offer_id: string; quantity: number }>, string]>([
    ["same lines while held", held, [{ offer_id: "tv-1", quantity: 1 }], "Replay"],
    ["same lines once committed", committed, [{ offer_id: "tv-1", quantity: 1 }], "Replay"],
    ["other quantity", held, [{ offer_id: "tv-1", quantity: 2 }], "Conflict"],
    ["another offer", held, [{ offer_id: "tv-2", quantity: 1 }], "Conflict"],
    ["same lines after release", released, [{ offer_id: "tv-1", quantity: 1 }], "Conflict"]
  ])("replay: %s → %s", (_, existing, lines, tag) => {
    expect<string>(replayDecision(existing, lines)._tag).toBe(tag)
  })

  test.each<[string, Reservation, string]>([
    ["held", held, "Commit"],
    ["committed", committed, "AlreadyCommitted"],
    ["released", released, "Released"]
  ])("commit of a %s reservation → %s", (_, reservation, tag) => {
    const decision = commitDecision(reservation, now)
    expect<string>(decision._tag).toBe(tag)
    if (decision._tag === "Commit") expect(decision.next).toEqual({ ...held, status: "committed", committed_at: "2026-03-01T10:01:00.000Z" })
    if (decision._tag === "Released") expect(decision.reason).toBe("payment_failed")
  })

  test.each<[string, Reservation, string, number]>([
    ["held", held, "Release", 1],
    ["committed (a cancelled paid order)", committed, "Release", 1],
    ["released", released, "AlreadyReleased", 0]
  ])("release of a %s reservation → %s returning %i lines", (_, reservation, tag, returned) => {
    const decision = releaseDecision(reservation, "order_cancelled", now)
    expect<string>(decision._tag).toBe(tag)
    expect(decision._tag === "Release" ? decision.returned.length : 0).toBe(returned)
    if (decision._tag === "Release") expect([decision.next.status, decision.next.release_reason, decision.next.released_at]).toEqual(["released", "order_cancelled", "2026-03-01T10:01:00.000Z"])
  })

  test.each<[string, Reservation, number, boolean]>([
    ["held, before its deadline", held, t0 + 899_999, false],
    ["held, at its deadline", held, t0 + 900_000, true],
    ["held, after its deadline", held, t0 + 3_600_000, true],
    ["committed, long after", committed, t0 + 86_400_000, false],
    ["released, long after", released, t0 + 86_400_000, false]
  ])("isExpired: %s → %p", (_, reservation, at, expired) => {
    expect(isExpired(reservation, at)).toBe(expired)
  })
})

describe("stored form", () => {
  test("round trips", () => {
    const released: Reservation = { ...held, status: "released", released_at: "2026-03-01T10:05:00.000Z", release_reason: "expired" }
    expect(decodeReservation(encodeReservation(held))).toEqual(held)
    expect(decodeReservation(encodeReservation(released))).toEqual(released)
  })

  test.each(["", "{", "{}", JSON.stringify({ ...held, status: "lost" }), JSON.stringify({ ...held, lines: [{ offer_id: "a", quantity: "1" }] })])("refuses %s", (text) => {
    expect(typeof decodeReservation(text)).toBe("string")
  })
})
