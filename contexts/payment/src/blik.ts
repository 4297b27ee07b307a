/**
 * A BLIK code (SPEC §4.4): the six digits the shopper's banking app shows, handed over with
 * `POST /payment/initialize`. Exactly six ASCII digits; anything else (five or seven digits, spaces,
 * dashes, other scripts' digits) is refused as InvalidBlikCode (a 422) before any gateway is asked.
 * The code is a one-time credential: the error never repeats it.
 */
import { Result, Schema } from "effect"
import { InvalidBlikCode } from "./errors.ts"

const SIX_DIGITS = /^[0-9]{6}$/

export const BlikCode = Schema.String.check(Schema.isPattern(SIX_DIGITS)).pipe(Schema.brand("BlikCode"))
export type BlikCode = typeof BlikCode.Type

export const parseBlikCode = (input: unknown): Result.Result<BlikCode, InvalidBlikCode> =>
  typeof input === "string" && SIX_DIGITS.test(input)
    ? Result.succeed(input as BlikCode)
    : Result.fail(new InvalidBlikCode({ message: "a BLIK code is exactly 6 digits" }))
