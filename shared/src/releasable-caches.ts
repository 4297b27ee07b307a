/**
 * Caches that only save work (decodes shared between groups, values remembered with their stored
 * text) and can be dropped at any moment: whoever asks the runtime for a full collection because
 * what the process held has gone (the embedded store once a share of its sessions expired) releases
 * them first, so they do not keep their last few thousand carts alive, nor the heap blocks those are
 * scattered over, in a process that has nothing else left to hold. Each registers once, at module level.
 */

const caches = new Set<() => void>()

/** Registers `clear` (the cache's own, emptying it) to run at every `releaseCaches`. */
export const releasableCache = (clear: () => void): void => {
  caches.add(clear)
}

/** Empties every registered cache: the next read of each decodes afresh. */
export const releaseCaches = (): void => {
  for (const clear of caches) clear()
}
