/**
 * A StateStore wrapper for tests of unclear outcomes (createApp's wrapStateStore): the next commit of
 * a command's state (one that carries events) applies and then fails as a timeout would, fails without
 * applying, or waits until released; every other call is the store's own.
 */
import { Effect } from "effect"
import { type AtomicWrite, StateStore, StoreUnavailable } from "@kasa/shared"

/** What the store does with the next commit of a command's state (a commit that carries events). */
export type Fault = "none" | "apply-then-fail" | "fail-unapplied" | "hold"

export const faultyStore = () => {
  let fault: Fault = "none"
  let holding = false
  let release: () => void = () => {}
  const lost = () => new StoreUnavailable({ operation: "commit", message: "timed out waiting for the reply" })
  const wrap = (store: StateStore["Service"]): StateStore["Service"] =>
    StateStore.of({
      ...store,
      commit: (write: AtomicWrite) => {
        if ((write.events?.length ?? 0) === 0 || fault === "none") return store.commit(write)
        const now = fault
        fault = "none"
        if (now === "apply-then-fail") return Effect.andThen(store.commit(write), Effect.fail(lost()))
        if (now === "fail-unapplied") return Effect.fail(lost())
        const gate = new Promise<void>((resolve) => (release = resolve))
        holding = true
        return Effect.andThen(
          Effect.promise(() => gate),
          store.commit(write)
        )
      }
    })
  return {
    wrap,
    arm: (next: Fault) => (fault = next),
    holding: () => holding,
    release: () => release()
  }
}

