/**
 * The `checkout-consumer` as the module mounts it: the kernel's consumer runtime over a StateStore
 * that, after each commit applied, wakes this process's `?after=` waiters of every checkout session
 * the write set (SummaryNotifier). The wrapper spreads the store, so it stays batch-aware (a batch's
 * one commit wakes every session in it); a waiter on another replica re-reads on its schedule.
 */
import { Effect } from "effect"
import { StateStore } from "@kasa/shared"
import { checkoutConsumer, sessionsWritten, SummaryNotifier } from "@kasa/checkout"
import { consumerSpec } from "@kasa/app-platform"

/** `store`, waking `notifier` for each checkout session a commit that applied has set. */
export const notifyingStore = (store: StateStore["Service"], notifier: SummaryNotifier["Service"]): StateStore["Service"] =>
  StateStore.of({
    ...store,
    commit: (write) =>
      Effect.tap(store.commit(write), (result) =>
        result === "committed" ? Effect.sync(() => sessionsWritten(write).forEach((sessionId) => notifier.notify(sessionId))) : Effect.void
      )
  })

export const checkoutConsumerSpec = () => {
  const spec = consumerSpec(checkoutConsumer())
  return {
    ...spec,
    start: Effect.flatMap(SummaryNotifier, (notifier) => Effect.updateService(spec.start, StateStore, (store) => notifyingStore(store, notifier)))
  }
}
