/**
 * How the embedded store holds text: what a context stores is mostly JSON of carts (a ten-line cart is
 * 2-3 KB, kept by the cart and by three contexts' projections), and JavaScript keeps a string with one
 * character beyond Latin-1 (a product name in Polish) at two bytes a character. Long text is held as
 * deflated UTF-8 instead (a fifth of the bytes or less; a few microseconds each way at level 1), short
 * text as the string itself, so many sessions fit in a small process.
 */
import { deflateSync, inflateSync } from "node:zlib"

/** Text held as is, or deflated UTF-8. */
export type Packed = string | Uint8Array

/** Shorter text is not worth a buffer of its own. */
export const PACK_FROM_LENGTH = 200

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder()

export const pack = (text: string): Packed => (text.length < PACK_FROM_LENGTH ? text : new Uint8Array(deflateSync(utf8.encode(text), { level: 1 })))

export const unpack = (packed: Packed): string => (typeof packed === "string" ? packed : fromUtf8.decode(inflateSync(packed)))
