/**
 * PaymentRetryDeadlines in memory: the embedded mode's index (one process: the consumer that fills it
 * and the sweep that reads it share it) and the tests'. Entries are named by their session and order,
 * the way the Redis sorted set names its members.
 */
import { Effect } from "effect"
import { PaymentRetryDeadlines, type RetryDeadline } from "./ports.ts"

/** An entry as one string (a sorted set's member): session ids and order ids hold no spaces. */
export const deadlineMemberOf = (entry: RetryDeadline): string => `${entry.session_id} ${entry.order_id}`

export const deadlineEntryOf = (member: string): RetryDeadline => {
  const [session_id = "", order_id = ""] = member.split(" ")
  return { session_id, order_id }
}

export const makeMemoryRetryDeadlines = (): PaymentRetryDeadlines["Service"] => {
  const deadlines = new Map<string, number>()
  return PaymentRetryDeadlines.of({
    schedule: (entry, deadlineMs) => Effect.sync(() => void deadlines.set(deadlineMemberOf(entry), deadlineMs)),
    due: (nowMs, limit) =>
      Effect.sync(() =>
        [...deadlines]
          .filter(([, at]) => at <= nowMs)
          .sort(([, a], [, b]) => a - b)
          .slice(0, limit)
          .map(([member]) => deadlineEntryOf(member))
      ),
    remove: (entry) => Effect.sync(() => void deadlines.delete(deadlineMemberOf(entry)))
  })
}

