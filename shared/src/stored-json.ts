/**
 * Stored JSON text read back through its Schema (`Schema.fromJsonString`: one parse and one decode,
 * compiled once per Schema, not per read). Every context's store reads its values this way, so text
 * that is not JSON and JSON that does not fit fail alike, with the reason as a string the store wraps
 * in its own typed failure.
 * A consumer reads back, event after event, the value it wrote for the same session a moment before,
 * and parsing and decoding that text again was the largest single cost of handling an event (a
 * tenth of the whole shop's CPU under add-to-cart in a profile). So a codec remembers, for the last
 * REMEMBERED keys it wrote or read, the text last seen at each and the value it stands for. A text
 * read back that is exactly the one remembered at its key is that value without a parse; any other
 * text (written by another instance, changed, or forgotten) is parsed and decoded as before. Kept per
 * key, not per text: a batch writes a session many times over and only its last text is read back,
 * so the texts in between must not push the other sessions' out (remembered per text, half the reads
 * missed at 50 connections).
 * That is only sound where decoding the text of a value gives that value back, so `storedJson` takes
 * Schemas whose encoded form is their type (plain JSON data, no transformations); the values it hands
 * out are shared and must not be mutated (the Schemas' types are readonly). The text it writes for a
 * value is also left with rendered-json.ts, so a response made of the same value reuses it.
 */
import { Result, Schema } from "effect"
import { releasableCache } from "./releasable-caches.ts"
import { rememberJson } from "./rendered-json.ts"

/** How many keys a codec remembers a text for (the sessions a consumer is working on at once, with room to spare). */
export const REMEMBERED = 256

type PlainSchema = Schema.Top & { readonly DecodingServices: never; readonly EncodingServices: never }

/** A Schema whose JSON form is its type: `S` itself, or `never` (a type error at the call) otherwise. */
type Plain<S extends PlainSchema> = [S["Type"]] extends [S["Encoded"]] ? ([S["Encoded"]] extends [S["Type"]] ? S : never) : never

export interface StoredJson<A> {
  /** The value of `raw`, the text read at `key`. */
  readonly decode: (key: string, raw: string) => Result.Result<A, string>
  /** The text to store at `key` for `value`; reading that text back there gives `value` itself while it is remembered. */
  readonly encode: (key: string, value: A) => string
}

export const storedJson = <S extends PlainSchema>(schema: Plain<S>): StoredJson<S["Type"]> => {
  const decode = Schema.decodeUnknownResult(Schema.fromJsonString(schema as S))
  // Insertion order is recency: a key used again moves to the end, the oldest goes first.
  const remembered = new Map<string, { readonly raw: string; readonly value: S["Type"] }>()
  releasableCache(() => remembered.clear())
  const remember = (key: string, raw: string, value: S["Type"]): void => {
    remembered.delete(key)
    remembered.set(key, { raw, value })
    if (remembered.size > REMEMBERED) remembered.delete(remembered.keys().next().value!)
  }
  return {
    decode: (key, raw) => {
      const known = remembered.get(key)
      if (known !== undefined && known.raw === raw) {
        remembered.delete(key)
        remembered.set(key, known)
        return Result.succeed(known.value)
      }
      const decoded = decode(raw)
      if (Result.isFailure(decoded)) return Result.fail(String(decoded.failure))
      remember(key, raw, decoded.success)
      return Result.succeed(decoded.success)
    },
    encode: (key, value) => {
      const raw = JSON.stringify(value)
      remember(key, raw, value)
      rememberJson(value, raw)
      return raw
    }
  }
}

/** Decoding only, for values this code reads but does not write (any Schema without services). */
export const storedJsonDecoder = <S extends Schema.Top & { readonly DecodingServices: never }>(schema: S): ((raw: string) => Result.Result<S["Type"], string>) => {
  const decode = Schema.decodeUnknownResult(Schema.fromJsonString(schema))
  return (raw) => {
    const decoded = decode(raw)
    return Result.isSuccess(decoded) ? Result.succeed(decoded.success) : Result.fail(String(decoded.failure))
  }
}
