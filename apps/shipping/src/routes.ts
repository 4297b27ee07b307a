/**
 * Shipping's HTTP API (SPEC §4.3) as a Hono app over the process runtime. Handlers are thin: who is
 * asking (the platform's session.ts), the body or query checked against its Schema (400 naming the
 * field; unknown fields ignored), one use case run under the request's span, and the body SPEC names
 * or the problem from the one error table. A refused request changes no session state and
 * publishes nothing (the use cases decide before they write).
 */
import { Schema } from "effect"
import { Hono } from "hono"
import {
  getAvailableMethods,
  getCalendar,
  isCalendarDate,
  provideShippingAddress,
  selectShippingAddons,
  selectShippingMethod,
  setShippingDate,
  type CurrentShippingRules,
  type DeliveryCalendar,
  type ParcelSpecs,
  type ShippingStore
} from "@kasa/shipping"
import { identify, idempotency, type ModuleRuntime, responder, problemResponse, readJson, requester, type SessionEnv, validate, validationProblem } from "@kasa/app-platform"
import { shippingProblem } from "./errors-to-http.ts"

export type ShippingServices = ShippingStore | ParcelSpecs | DeliveryCalendar | CurrentShippingRules

const Id = Schema.String.check(Schema.isNonEmpty(), Schema.isMaxLength(64))
const Text = (max: number) => Schema.String.check(Schema.isMaxLength(max))

export const SelectBody = Schema.Struct({
  method_id: Id.annotate({ description: "courier, parcel_locker, store_pickup or pallet (GET /shipping/available lists those the cart allows)" })
})

export const AddressBody = Schema.Struct({
  street: Text(500).annotate({ description: "Street and number" }),
  city: Text(500),
  postal_code: Text(32).annotate({ description: "In the country's format: PL NN-NNN, DE NNNNN, AT NNNN, CZ/SK NNN NN, GB e.g. SW1A 1AA" }),
  country: Text(16).annotate({ description: "ISO 3166-1 alpha-2: PL, DE, AT, CZ, SK or GB" })
})

export const CalendarQuery = Schema.Struct({
  method_id: Id.annotate({ description: "The delivery method whose days to list" })
})

const DeliveryDate = Schema.String.check(
  Schema.isPattern(/^\d{4}-\d{2}-\d{2}$/, { message: "expected a date as YYYY-MM-DD" }),
  Schema.makeFilter((value: string) => isCalendarDate(value) || "not a calendar date")
)

export const SetDateBody = Schema.Struct({
  delivery_date: DeliveryDate.annotate({ description: "One of the days of GET /shipping/calendar, YYYY-MM-DD" }),
  is_express: Schema.optionalKey(Schema.Boolean.annotate({ description: "Express delivery (courier only) for an express fee; default false" }))
})

export const AddonsBody = Schema.Struct({
  addons: Schema.Array(Id)
    .check(Schema.isMaxLength(16))
    .annotate({ description: "The addons to book with the chosen method (replaces what was booked; [] books none), e.g. sunday_delivery" })
})

export const shippingRoutes = (runtime: ModuleRuntime<ShippingServices>): Hono => {
  const respond = responder(runtime, shippingProblem)
  const once = idempotency(runtime)

  const app = new Hono<SessionEnv>()
  app.use("/shipping/*", identify(runtime))

  app.get("/shipping/available", (c) => respond(c, getAvailableMethods(c.get("sessionId"))))

  app.post("/shipping/select", once, async (c) => {
    const body = await readJson(c, SelectBody)
    if (!body.ok) return body.response
    return respond(c, selectShippingMethod(requester(c), body.value.method_id))
  })

  app.post("/shipping/address", once, async (c) => {
    const body = await readJson(c, AddressBody)
    if (!body.ok) return body.response
    const { street, city, postal_code, country } = body.value
    return respond(c, provideShippingAddress(requester(c), { street, city, postal_code, country }))
  })

  app.get("/shipping/calendar", (c) => {
    const query = validate(CalendarQuery, { method_id: c.req.query("method_id") })
    if (!query.ok) return problemResponse(validationProblem(query.errors))
    return respond(c, getCalendar(c.get("sessionId"), query.value.method_id))
  })

  app.post("/shipping/set-date", once, async (c) => {
    const body = await readJson(c, SetDateBody)
    if (!body.ok) return body.response
    return respond(c, setShippingDate(requester(c), { delivery_date: body.value.delivery_date, is_express: body.value.is_express ?? false }))
  })

  app.post("/shipping/addons", once, async (c) => {
    const body = await readJson(c, AddonsBody)
    if (!body.ok) return body.response
    return respond(c, selectShippingAddons(requester(c), body.value.addons))
  })

  // Mounted into an untyped Hono (routes are copied, not nested) so any app can mount it.
  return new Hono().route("/", app)
}
