/**
 * Correlation ids: one id follows a shopper's action through every request, event, log line and span.
 * The edge accepts a well-formed id from the client or mints one; events caused by an event keep it.
 */
import { newCorrelationId } from "./ids.ts"

export const CORRELATION_HEADER = "x-correlation-id"

const acceptable = /^[0-9A-Za-z_.:-]{1,128}$/

/** The incoming id when it is well formed (no header injection, bounded length), else a fresh one. */
export const correlationIdFrom = (incoming: string | null | undefined): string =>
  incoming !== null && incoming !== undefined && acceptable.test(incoming) ? incoming : newCorrelationId()
