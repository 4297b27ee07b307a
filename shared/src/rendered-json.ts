/**
 * The JSON text already made for a value, so a value is stringified once however many places need its
 * text: a store that writes a cart's view remembers the text it wrote, and the HTTP response (and an
 * Idempotency-Key's stored answer) of the same view object reuses it instead of stringifying it again
 * (about 3% of add-to-cart's CPU). Held weakly, by the object itself: values are immutable once made,
 * and a text goes when its value does.
 */
const texts = new WeakMap<object, string>()

/** Remembers `text` as `JSON.stringify(value)`; the caller vouches that it is exactly that. */
export const rememberJson = (value: unknown, text: string): void => {
  if (typeof value === "object" && value !== null) texts.set(value, text)
}

/** `JSON.stringify(value)`, or the text remembered for this very object. */
export const jsonOf = (value: unknown): string => (typeof value === "object" && value !== null ? texts.get(value) : undefined) ?? JSON.stringify(value)
