/**
 * What can go wrong in the services context, as tagged errors (ARCHITECTURE §3). The refusals say
 * why a service cannot become a cart line (the cart app turns them into its own ServiceNotAvailable);
 * the rest are the services API's own failures. Each app maps tags to HTTP statuses in one table,
 * so no status code lives here.
 */
import { Schema } from "effect"

/** The rules file (or any rule list) does not describe usable services; `problems` name each field. */
export class InvalidServicesRules extends Schema.TaggedError<InvalidServicesRules>()("InvalidServicesRules", {
  source: Schema.String,
  problems: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `invalid services rules ${this.source}: ${this.problems.join("; ")}`
  }
}

/** The rules have no service with this id. */
export class UnknownService extends Schema.TaggedError<UnknownService>()("UnknownService", {
  service_id: Schema.String
}) {
  override get message(): string {
    return `there is no service ${this.service_id}`
  }
}

/** An item-bound service asked for a line whose category the rules do not offer it for. */
export class ServiceNotForCategory extends Schema.TaggedError<ServiceNotForCategory>()("ServiceNotForCategory", {
  service_id: Schema.String,
  category: Schema.String,
  offered_for: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `${this.service_id} is offered for ${this.offered_for.join(", ")}, not for ${this.category}`
  }
}

/** An item-bound service asked for without the line it is for. */
export class ServiceNeedsLine extends Schema.TaggedError<ServiceNeedsLine>()("ServiceNeedsLine", {
  service_id: Schema.String
}) {
  override get message(): string {
    return `${this.service_id} is a service for a cart line: give parent_item_id`
  }
}

/** A standalone (per cart) service asked for as if it belonged to a line. */
export class StandaloneServiceOnLine extends Schema.TaggedError<StandaloneServiceOnLine>()("StandaloneServiceOnLine", {
  service_id: Schema.String,
  parent_item_id: Schema.String
}) {
  override get message(): string {
    return `${this.service_id} is a service for the whole cart: it is not attached to a line`
  }
}

/** Why a service cannot be a line of that cart: what the cart's ServicePricing adapter reports. */
export type ServiceRefusal = UnknownService | ServiceNotForCategory | ServiceNeedsLine | StandaloneServiceOnLine

/** The cart (as the services context last saw it) has no line with this id. */
export class LineNotFound extends Schema.TaggedError<LineNotFound>()("LineNotFound", {
  cart_id: Schema.String,
  item_id: Schema.String
}) {}

/** The services store cannot be reached or holds something unreadable. */
export class ServicesUnavailable extends Schema.TaggedError<ServicesUnavailable>()("ServicesUnavailable", {
  operation: Schema.String,
  message: Schema.String
}) {}

/** Every error a services query can fail with. */
export type ServicesError = LineNotFound | ServicesUnavailable
