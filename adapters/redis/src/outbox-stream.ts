/**
 * How the outbox and the processed markers are laid out in Redis, written by the state store and
 * read by the relay: one stream per app (`outbox:{name}`), one entry per event with the fields
 * `topic`, `key`, `envelope` (JSON) and `headers` (JSON), plus `raw` (base64) for a message passed
 * on byte for byte (a dead letter); one string key per processed event
 * (`processed:{group}:{event_id}`) that expires a day after the topics' retention (`markerLifetimeMs`). Keys here are before
 * the connection's prefix.
 */
import { type Envelope, type OutboxEvent, rememberJson } from "@kasa/shared"

export const outboxStreamKey = (outboxName: string): string => `outbox:${outboxName}`

export const processedKey = (group: string, eventId: string): string => `processed:${group}:${eventId}`

export const encodeOutboxEvent = (event: OutboxEvent): Record<string, string> => {
  const fields: Record<string, string> = {
    topic: event.topic,
    key: event.key,
    envelope: JSON.stringify(event.envelope),
    headers: JSON.stringify(event.headers ?? {})
  }
  if (event.raw !== undefined) fields.raw = Buffer.from(event.raw).toString("base64")
  return fields
}

/**
 * The event of one stream entry, or a reason it is not one (only a foreign writer could cause that).
 * The envelope's stored text is remembered as its JSON (`rememberJson`), so the relay publishes that
 * text as it is instead of stringifying the envelope it has just parsed from it.
 */
export const decodeOutboxEvent = (fields: Readonly<Record<string, string>>): OutboxEvent | string => {
  const { topic, key, envelope, headers, raw } = fields
  if (topic === undefined || key === undefined || envelope === undefined) return "missing topic, key or envelope"
  try {
    const parsedHeaders = headers === undefined ? {} : (JSON.parse(headers) as Record<string, string>)
    const parsed = JSON.parse(envelope) as Envelope
    rememberJson(parsed, envelope)
    const event: OutboxEvent = { topic, key, envelope: parsed, headers: parsedHeaders }
    return raw === undefined ? event : { ...event, raw: new Uint8Array(Buffer.from(raw, "base64")) }
  } catch (error) {
    return `not JSON: ${String(error)}`
  }
}
