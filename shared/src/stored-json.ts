/**
 * Stored JSON text read back through its Schema (`Schema.fromJsonString`: one parse and one decode,
 * compiled once per Schema, not per read). Every context's store reads its values this way, so text
 * that is not JSON and JSON that does not fit fail alike, with the reason as a string the store wraps
 * in its own typed failure.
 * A consumer reads back, event after event, the value it wrote for the same session a moment before,
 * and parsing and decoding that text again was the largest single cost of handling an event (a
 * tenth of the whole shop's CPU under add-to-cart in a profile). So a codec remembers, for its last
 * REMEMBERED texts, the value each stands for: the texts it encoded (the value it was given) and the
 * texts it decoded. A text read back that is exactly one of those is that value without a parse; any
 * other text (written by another instance, changed, or forgotten) is parsed and decoded as before.
 * That is only sound where decoding the text of a value gives that value back, so `storedJson` takes
 * Schemas whose encoded form is their type (plain JSON data, no transformations); the values it hands
 * out are shared and must not be mutated (the Schemas' types are readonly).
 */
import { Result, Schema } from "effect"

/** How many texts a codec remembers (the sessions a consumer is working on at once, with room to spare). */
export const REMEMBERED = 256

type PlainSchema = Schema.Top & { readonly DecodingServices: never; readonly EncodingServices: never }

/** A Schema whose JSON form is its type: `S` itself, or `never` (a type error at the call) otherwise. */
type Plain<S extends PlainSchema> = [S["Type"]] extends [S["Encoded"]] ? ([S["Encoded"]] extends [S["Type"]] ? S : never) : never

export interface StoredJson<A> {
  readonly decode: (raw: string) => Result.Result<A, string>
  /** The text to store for `value`; reading that text back gives `value` itself while it is remembered. */
  readonly encode: (value: A) => string
}

export const storedJson = <S extends PlainSchema>(schema: Plain<S>): StoredJson<S["Type"]> => {
  const decode = Schema.decodeUnknownResult(Schema.fromJsonString(schema as S))
  // Insertion order is recency: a hit moves to the end, the oldest goes first.
  const remembered = new Map<string, S["Type"]>()
  const remember = (raw: string, value: S["Type"]): void => {
    remembered.delete(raw)
    remembered.set(raw, value)
    if (remembered.size > REMEMBERED) remembered.delete(remembered.keys().next().value!)
  }
  return {
    decode: (raw) => {
      const known = remembered.get(raw)
      if (known !== undefined) {
        remember(raw, known)
        return Result.succeed(known)
      }
      const decoded = decode(raw)
      if (Result.isFailure(decoded)) return Result.fail(String(decoded.failure))
      remember(raw, decoded.success)
      return Result.succeed(decoded.success)
    },
    encode: (value) => {
      const raw = JSON.stringify(value)
      remember(raw, value)
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
