// A command that loses the optimistic race runs again, up to its attempts, then fails with the
// context's own error; any other failure is not retried.
import { describe, expect, test } from "bun:test"
import { Data, Effect } from "effect"
import { retryOnConflict, WriteConflict } from "@kasa/shared"

class ChangedConcurrently extends Data.TaggedError("ChangedConcurrently")<{ readonly attempts: number }> {}
class Refused extends Data.TaggedError("Refused")<{}> {}

/** A command that loses the race `conflicts` times (or fails with `other` on its first run), counting its runs. */
const command = (conflicts: number, other?: Refused) => {
  let runs = 0
  const effect = Effect.suspend((): Effect.Effect<number, Refused | WriteConflict> => {
    runs++
    if (other !== undefined) return Effect.fail(other)
    return runs <= conflicts ? Effect.fail(new WriteConflict({ key: "k" })) : Effect.succeed(runs)
  })
  return { effect: effect.pipe(retryOnConflict(3, () => new ChangedConcurrently({ attempts: 3 }))), runs: () => runs }
}

describe("retryOnConflict", () => {
  test.each([
    [0, "ok", 1],
    [2, "ok", 3],
    [3, "ChangedConcurrently", 3],
    [10, "ChangedConcurrently", 3]
  ])("%i conflicts → %s after %i runs", async (conflicts, outcome, runs) => {
    const c = command(conflicts)
    const result = await Effect.runPromise(Effect.match(c.effect, { onFailure: (e) => e._tag, onSuccess: () => "ok" }))
    expect(result).toBe(outcome)
    expect(c.runs()).toBe(runs)
  })

  test("another failure is not retried", async () => {
    const c = command(0, new Refused())
    expect((await Effect.runPromise(Effect.flip(c.effect)))._tag).toBe("Refused")
    expect(c.runs()).toBe(1)
  })
})
