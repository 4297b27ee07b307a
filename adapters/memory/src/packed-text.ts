/**
 * How the embedded store holds text. What a context stores is mostly JSON of carts (a ten-line cart's
 * view is about 5,000 characters, kept by the cart and, as projections, by three more contexts), and
 * JavaScript keeps such a string at two bytes a character as soon as one is beyond Latin-1 (a product
 * name in Polish). Long text is held as deflated UTF-8 instead (a fifth of the bytes or less), short
 * text as the string itself. Bun's own deflate is used, at level 1: it packs a cart in about 7 µs and
 * unpacks it in about 2.5 µs, where node:zlib's sets up a stream per call and takes half as long again.
 */

/** Text held as is, or deflated UTF-8. */
export type Packed = string | Uint8Array<ArrayBuffer>

/** Shorter text is not worth a buffer of its own. */
export const PACK_FROM_LENGTH = 200

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder()

export const pack = (text: string): Packed => (text.length < PACK_FROM_LENGTH ? text : Bun.deflateSync(utf8.encode(text), { level: 1 }))

export const unpack = (packed: Packed): string => (typeof packed === "string" ? packed : fromUtf8.decode(Bun.inflateSync(packed)))
