/**
 * What the sandbox remembers of each payment it started: its amount, currency, method and return URL,
 * where it stands (open until the shopper or the BLIK bank settles it), its refunds, and the outcome it
 * last reported (the webhook body, see sandbox-event.ts). One JSON value per payment under
 * `sandbox:payment:{transaction_id}` in the kernel's StateStore, the store the payment app already
 * uses (memory embedded, Redis or PostgreSQL distributed), so every instance of the app sees the same
 * sandbox. A change is read, decided and committed with the value read as its precondition, and tried
 * again when another writer got there first: two instances settling one payment cannot both win.
 * The BLIK code is never kept: it is a one-time credential.
 */
import { Effect, Result, Schema } from "effect"
import { type StateStore, StoreUnavailable, storedJsonDecoder } from "@kasa/shared"
import { SandboxEvent } from "./sandbox-event.ts"

export const SandboxPaymentStatus = Schema.Literals(["open", "succeeded", "failed", "cancelled"])
export type SandboxPaymentStatus = typeof SandboxPaymentStatus.Type

export const SandboxRefund = Schema.Struct({ refund_id: Schema.String, amount: Schema.Int, idempotency_key: Schema.String })
export type SandboxRefund = typeof SandboxRefund.Type

export const SandboxPayment = Schema.Struct({
  transaction_id: Schema.String,
  order_id: Schema.String,
  amount: Schema.Int,
  currency: Schema.String,
  method: Schema.String,
  return_url: Schema.String,
  idempotency_key: Schema.String,
  /** The sandbox's own reference (a success's gateway_reference). */
  reference: Schema.String,
  status: SandboxPaymentStatus,
  refunds: Schema.Array(SandboxRefund),
  /** The outcome it last reported (by webhook or by its answer), undefined while none. */
  reported: Schema.optionalKey(SandboxEvent),
  /** Unix milliseconds. */
  started_at: Schema.Number
})
export type SandboxPayment = typeof SandboxPayment.Type

export const sandboxPaymentKey = (transaction_id: string): string => `sandbox:payment:${transaction_id}`

/** The transaction is not one the sandbox started. */
export class SandboxPaymentNotFound extends Schema.TaggedError<SandboxPaymentNotFound>()("SandboxPaymentNotFound", {
  transaction_id: Schema.String
}) {}

/** How many times a change is decided again after losing a race before the ledger gives up. */
const MAX_ATTEMPTS = 20

export interface SandboxLedger {
  readonly read: (transaction_id: string) => Effect.Effect<SandboxPayment | undefined, StoreUnavailable>
  /** Records `payment` unless its transaction is there already; answers what is stored and whether this call wrote it. */
  readonly record: (payment: SandboxPayment) => Effect.Effect<{ readonly payment: SandboxPayment; readonly created: boolean }, StoreUnavailable>
  /**
   * Applies `change` to the stored payment under a precondition, deciding again on a lost race.
   * `change` answering the payment it was given (the same object) writes nothing.
   */
  readonly update: <E>(
    transaction_id: string,
    change: (payment: SandboxPayment) => Result.Result<SandboxPayment, E>
  ) => Effect.Effect<SandboxPayment, E | SandboxPaymentNotFound | StoreUnavailable>
}

const decodePayment = storedJsonDecoder(SandboxPayment)
/** The raw value read (the precondition of the write that follows) and what it says. */
interface Read {
  readonly raw: string | undefined
  readonly payment: SandboxPayment | undefined
}

const encode = (payment: SandboxPayment): string => JSON.stringify(payment)

export const makeSandboxLedger = (store: typeof StateStore.Service): SandboxLedger => {
  const readRaw = (transaction_id: string): Effect.Effect<Read, StoreUnavailable> =>
    Effect.flatMap(store.get(sandboxPaymentKey(transaction_id)), (raw): Effect.Effect<Read, StoreUnavailable> => {
      if (raw === undefined) return Effect.succeed({ raw, payment: undefined })
      const decoded = decodePayment(raw)
      return Result.isSuccess(decoded)
        ? Effect.succeed({ raw, payment: decoded.success })
        : Effect.fail(new StoreUnavailable({ operation: "sandbox ledger read", message: `unreadable entry for ${transaction_id}: ${decoded.failure}` }))
    })

  const gaveUp = (transaction_id: string) =>
    new StoreUnavailable({ operation: "sandbox ledger write", message: `${transaction_id} kept changing under ${MAX_ATTEMPTS} attempts` })

  const record: SandboxLedger["record"] = (payment) =>
    Effect.gen(function* () {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const { raw, payment: stored } = yield* readRaw(payment.transaction_id)
        if (stored !== undefined) return { payment: stored, created: false }
        const key = sandboxPaymentKey(payment.transaction_id)
        const written = yield* store.commit({ expect: [{ key, value: raw }], ops: [{ op: "set", key, value: encode(payment) }] }).pipe(
          Effect.as(true),
          Effect.catchTag("WriteConflict", () => Effect.succeed(false))
        )
        if (written) return { payment, created: true }
      }
      return yield* gaveUp(payment.transaction_id)
    })

  const update: SandboxLedger["update"] = (transaction_id, change) =>
    Effect.gen(function* () {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const { raw, payment } = yield* readRaw(transaction_id)
        if (payment === undefined) return yield* new SandboxPaymentNotFound({ transaction_id })
        const decided = change(payment)
        if (Result.isFailure(decided)) return yield* Effect.fail(decided.failure)
        if (decided.success === payment) return payment
        const key = sandboxPaymentKey(transaction_id)
        const written = yield* store.commit({ expect: [{ key, value: raw }], ops: [{ op: "set", key, value: encode(decided.success) }] }).pipe(
          Effect.as(true),
          Effect.catchTag("WriteConflict", () => Effect.succeed(false))
        )
        if (written) return decided.success
      }
      return yield* gaveUp(transaction_id)
    })

  return { read: (transaction_id) => Effect.map(readRaw(transaction_id), (r) => r.payment), record, update }
}
