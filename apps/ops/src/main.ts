/**
 * `bun run ops -- <command>`: the operations CLI. Talks to the broker named by KAFKA_BROKERS (the
 * outbox commands: to the Redis named by REDIS_URL) through the same adapters the apps use. Run with
 * no arguments for the list of commands.
 */
import { parseArgs } from "node:util"
import { Effect, type Scope } from "effect"
import { layerKafka } from "@kasa/adapter-kafka"
import { layerRedis } from "@kasa/adapter-redis"
import { list, loadConfig, integer, string, url, withDefault } from "@kasa/shared/config"
import { dlqList, dlqReplay, follow, lag, listTopics, outboxDead, outboxStatus, provision, tail } from "./commands.ts"

const usage = `kasa ops: operate the event backbone (needs KAFKA_BROKERS)

  provision [--partitions N] [--replication-factor N]   create every topic and its .dlq if missing
  topics                                                list topics with partition counts
  tail <topic> [-n N] [--follow]                        print the last N envelopes (default 20)
  lag <group> [--topics a,b]                            committed offset, end and lag per partition
  dlq list <topic>                                      dead letters of <topic> with their errors
  dlq replay <topic> [--offset N]...                    put dead letters back on <topic>
  outbox status <app>                                   pending entries and the oldest one's age (needs REDIS_URL)
  outbox dead <app> [-n N]                              outbox entries the relay set aside, with why (default 100)`

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
    partitions: { type: "string" },
    "replication-factor": { type: "string" },
    n: { type: "string", short: "n" },
    follow: { type: "boolean", short: "f" },
    topics: { type: "string" },
    offset: { type: "string", multiple: true },
    help: { type: "boolean", short: "h" }
  }
})

const fail = (message: string): never => {
  console.error(message)
  process.exit(2)
}

const [command, ...rest] = positionals
if (command === undefined || values.help === true) {
  console.log(usage)
  process.exit(command === undefined && values.help !== true ? 2 : 0)
}

const print = (line: string) => console.log(line)

/** Runs a program to its end and exits with its outcome. */
const runToExit = async <E>(program: Effect.Effect<unknown, E, Scope.Scope>): Promise<never> => {
  const exit = await Effect.runPromiseExit(Effect.scoped(program))
  if (exit._tag === "Failure") {
    console.error(String(exit.cause))
    process.exit(1)
  }
  process.exit(0)
}

if (command === "outbox") {
  const redis = loadConfig({ url: url("REDIS_URL"), keyPrefix: withDefault(string("REDIS_KEY_PREFIX"), "") }, process.env)
  if (!redis.ok) fail(redis.error.message)
  const { url: redisUrl, keyPrefix } = redis.ok ? redis.config : fail("unreachable")
  const [what, app] = rest
  if (app === undefined) fail(`outbox: missing <app>\n\n${usage}`)
  const outboxName = app!
  const program =
    what === "status"
      ? outboxStatus(outboxName, print)
      : what === "dead"
        ? outboxDead(outboxName, values.n === undefined ? 100 : Math.max(1, Number(values.n) || 100), print)
        : fail(`outbox: expected "status" or "dead"\n\n${usage}`)
  await runToExit(program.pipe(Effect.provide(layerRedis({ url: redisUrl, keyPrefix, outboxName }))))
}

const loaded = loadConfig(
  {
    brokers: list("KAFKA_BROKERS"),
    partitions: withDefault(integer("TOPIC_PARTITIONS", 1, 1000), 3),
    replicationFactor: withDefault(integer("TOPIC_REPLICATION_FACTOR", 1, 10), 1)
  },
  process.env
)
if (!loaded.ok) fail(loaded.error.message)
const config = loaded.ok ? loaded.config : fail("unreachable")

const numberOption = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined) return fallback
  const value = Number(raw)
  return Number.isInteger(value) && value >= 0 ? value : fail(`--${name} must be a whole number, got "${raw}"`)
}
const need = (what: string, value: string | undefined): string => value ?? fail(`${command}: missing <${what}>\n\n${usage}`)

const program = (() => {
  switch (command) {
    case "provision":
      return provision(
        {
          partitions: numberOption("partitions", values.partitions, config.partitions),
          replicationFactor: numberOption("replication-factor", values["replication-factor"], config.replicationFactor)
        },
        print
      )
    case "topics":
      return listTopics(print)
    case "tail": {
      const topic = need("topic", rest[0])
      return values.follow === true ? Effect.andThen(tail(topic, numberOption("n", values.n, 20), print), follow(topic, print)) : tail(topic, numberOption("n", values.n, 20), print)
    }
    case "lag":
      return lag(need("group", rest[0]), values.topics?.split(",").map((t) => t.trim()), print)
    case "dlq": {
      const topic = need("topic", rest[1])
      if (rest[0] === "list") return dlqList(topic, print)
      if (rest[0] === "replay") return dlqReplay(topic, values.offset?.map((o) => numberOption("offset", o, 0)), print)
      return fail(`dlq: expected "list" or "replay"\n\n${usage}`)
    }
    default:
      return fail(`unknown command "${command}"\n\n${usage}`)
  }
})()

const layer = layerKafka({ brokers: config.brokers, clientId: "kasa-ops" })
await runToExit(program.pipe(Effect.provide(layer)))
