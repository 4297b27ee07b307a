/**
 * Stored JSON text read back through its Schema (`Schema.fromJsonString`: one parse and one decode,
 * compiled once per Schema, not per read). Every context's store reads its values this way, so text
 * that is not JSON and JSON that does not fit fail alike, with the reason as a string the store wraps
 * in its own typed failure.
 */
import { Result, Schema } from "effect"

export const storedJsonDecoder = <S extends Schema.Top & { readonly DecodingServices: never }>(schema: S): ((raw: string) => Result.Result<S["Type"], string>) => {
  const decode = Schema.decodeUnknownResult(Schema.fromJsonString(schema))
  return (raw) => {
    const decoded = decode(raw)
    return Result.isSuccess(decoded) ? Result.succeed(decoded.success) : Result.fail(String(decoded.failure))
  }
}
