/**
 * The background thread's CPU priority (BACKGROUND_NICE): a distributed app's relay and consumers run
 * in a worker thread (background-thread.ts) that shares the machine's cores with the request thread,
 * the broker and Redis. When the cores are busy, the scheduler should run a waiting request first and
 * the events it caused a moment later: consumers only fall behind for as long as the burst lasts, while
 * a request that waits for a core shows in the shopper's latency (measured on the whole shop at one
 * connection: the p99 was the request thread waiting behind its own consumers). On Linux a thread is a
 * task with a nice value of its own, set through its id; elsewhere this does nothing.
 */
import { readlinkSync } from "node:fs"
import { setPriority } from "node:os"

/** The calling thread's id on Linux (`/proc/thread-self` → `<pid>/task/<tid>`), undefined elsewhere. */
const threadId = (): number | undefined => {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop())
    return Number.isInteger(tid) && tid > 0 ? tid : undefined
  } catch {
    return undefined
  }
}

/** Gives the calling thread `nice` (0 leaves it as it is); false where the system does not allow it. */
export const niceThisThread = (nice: number): boolean => {
  if (nice === 0) return true
  const tid = threadId()
  if (tid === undefined) return false
  try {
    setPriority(tid, nice)
    return true
  } catch {
    return false
  }
}
