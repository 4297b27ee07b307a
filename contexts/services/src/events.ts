/**
 * The event the services context publishes on `services-events` (SPEC §3.4):
 * `services.availability_calculated`, once per cart change it projects, caused by that cart event
 * and keyed by session. It carries the cart hash, every service the cart may now have, and what the
 * services in the cart cost (`total_services_price`); `cart_version` and `currency` ride along so a
 * consumer can drop stale ones and read the amounts without asking anyone.
 */
import { Schema } from "effect"
import { type Envelope, makeEnvelope } from "@kasa/shared"
import { CurrencyCode, MinorUnits } from "@kasa/shared/money"
import type { Availability } from "./offering.ts"
import { ServiceKind } from "./rules.ts"

export const SERVICES_PRODUCER = "services"

export const ServicesEventName = {
  availabilityCalculated: "services.availability_calculated"
} as const

const Amount = MinorUnits.check(Schema.isGreaterThanOrEqualTo(0))

/** One offered service, as the API and the event list it (`parent_item_id` null for standalone ones). */
export const OfferedServiceSchema = Schema.Struct({
  service_id: Schema.String.check(Schema.isNonEmpty()),
  name: Schema.String,
  kind: ServiceKind,
  parent_item_id: Schema.NullOr(Schema.String),
  price: Amount
})

export const AvailabilityCalculated = Schema.Struct({
  session_id: Schema.String.check(Schema.isNonEmpty()),
  user_id: Schema.optionalKey(Schema.String),
  cart_hash: Schema.String.check(Schema.isNonEmpty()),
  cart_version: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  currency: CurrencyCode,
  available_services: Schema.Array(OfferedServiceSchema),
  total_services_price: Amount
})
export type AvailabilityCalculated = typeof AvailabilityCalculated.Type

export interface AvailabilityEventInput {
  readonly session_id: string
  readonly user_id?: string | undefined
  readonly cart_hash: string
  readonly cart_version: number
  readonly currency: string
  readonly availability: Availability
  readonly occurred_at: Date
  /** The cart event this was calculated for: its correlation id is kept, its id becomes the cause. */
  readonly caused_by: Envelope
}

export const availabilityEnvelope = (input: AvailabilityEventInput): Envelope =>
  makeEnvelope({
    eventName: ServicesEventName.availabilityCalculated,
    aggregateId: input.session_id,
    correlationId: input.caused_by.correlation_id,
    producer: SERVICES_PRODUCER,
    occurredAt: input.occurred_at,
    causedBy: input.caused_by,
    payload: {
      session_id: input.session_id,
      ...(input.user_id === undefined ? {} : { user_id: input.user_id }),
      cart_hash: input.cart_hash,
      cart_version: input.cart_version,
      currency: input.currency,
      available_services: input.availability.services,
      total_services_price: input.availability.total_services_price
    } satisfies AvailabilityCalculated
  })
