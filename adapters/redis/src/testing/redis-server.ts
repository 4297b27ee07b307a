/** PLACEHOLDER (being written): finds or starts a real Redis for tests. */
export interface RunningRedis {
  /** redis://host:port */
  readonly url: string
  /** How it was obtained: "REDIS_URL", "127.0.0.1:6379", "redis-server", "testcontainers". */
  readonly source: string
  /** Deletes every key under `prefix`. */
  readonly cleanup: (prefix: string) => Promise<void>
  /** Stops Redis if this run started it. */
  readonly stop: () => Promise<void>
}
export const startOrFindRedis = async (): Promise<RunningRedis> => {
  throw new Error("Redis test server not implemented yet")
}
