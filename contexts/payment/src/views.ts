/**
 * What payment's use cases answer, as Schemas, so the app's OpenAPI document is generated from the
 * same shapes the use cases return (the transaction view a shopper or an admin sees, the methods).
 */
import { Schema } from "effect"
import { TransactionState } from "./transaction.ts"

export const AvailableMethodView = Schema.Struct({ method_id: Schema.String, name: Schema.String, gateway: Schema.String })

export const AvailableMethodsView = Schema.Struct({
  methods: Schema.Array(AvailableMethodView),
  selected_method_id: Schema.NullOr(Schema.String)
})

export const TransactionView = Schema.Struct({
  transaction_id: Schema.String,
  order_id: Schema.String,
  state: TransactionState,
  method_id: Schema.String,
  gateway: Schema.String,
  amount_total: Schema.Int.annotate({ description: "Minor units" }),
  currency: Schema.String,
  redirect_url: Schema.NullOr(Schema.String).annotate({ description: "Where the shopper pays (null for BLIK and cash on delivery)" }),
  failure_reason: Schema.NullOr(Schema.String),
  refunded_amount: Schema.Int
})

export const WebhookOutcomeView = Schema.Struct({
  status: Schema.Literals(["applied", "unchanged", "duplicate", "ignored"]),
  transaction_id: Schema.optionalKey(Schema.String),
  state: Schema.optionalKey(Schema.String)
})
