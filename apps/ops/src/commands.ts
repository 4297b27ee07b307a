/**
 * The operations of seed 001, on the product's own tooling: provision topics, list them, tail one,
 * show a group's lag, list and replay dead letters, show an app's outbox and the entries its relay set
 * aside. Each command is an Effect over the ports, so it works against any broker and store the
 * adapters support and is tested against real ones.
 */
import { Effect } from "effect"
import {
  ConsumerGroups,
  dlqTopic,
  EventBus,
  EventBusAdmin,
  isDlqTopic,
  OutboxBacklog,
  topicSpecs,
  type DeliveredMessage
} from "@kasa/shared"
import { formatDeadLetter, formatDeadOutboxEntry, formatLag, formatMessage, formatOutboxStats, formatTopics, replayOf } from "./format.ts"

export type Print = (line: string) => void

export const provision = (options: { partitions: number; replicationFactor: number }, print: Print) =>
  Effect.gen(function* () {
    const admin = yield* EventBusAdmin
    const specs = topicSpecs(options)
    yield* admin.ensureTopics(specs)
    print(`provisioned ${specs.length} topics (${options.partitions} partitions, replication factor ${options.replicationFactor})`)
  })

export const listTopics = (print: Print) =>
  Effect.gen(function* () {
    const admin = yield* EventBusAdmin
    print(formatTopics(yield* admin.listTopics))
  })

export const tail = (topic: string, last: number, print: Print) =>
  Effect.gen(function* () {
    const admin = yield* EventBusAdmin
    const messages = yield* admin.readTopic(topic, { fromEnd: last })
    for (const message of messages) print(formatMessage(message))
    if (messages.length === 0) print(`${topic}: no messages`)
  })

/** Follows a topic until interrupted, in a throwaway group that starts at the end. */
export const follow = (topic: string, print: Print) =>
  Effect.gen(function* () {
    const bus = yield* EventBus
    const admin = yield* EventBusAdmin
    const seen = new Set((yield* admin.readTopic(topic)).map((m) => `${m.partition}:${m.offset}`))
    const subscription = yield* bus.subscribe({
      group: `ops-tail-${Date.now().toString(36)}`,
      topics: [topic],
      handle: (batch) =>
        Effect.sync(() => {
          for (const message of batch.messages) if (!seen.has(`${message.partition}:${message.offset}`)) print(formatMessage(message))
        })
    })
    yield* subscription.ready
    return yield* Effect.never
  })

export const lag = (group: string, topics: ReadonlyArray<string> | undefined, print: Print) =>
  Effect.gen(function* () {
    const admin = yield* EventBusAdmin
    const subscribed = topics ?? ConsumerGroups[group]
    if (subscribed === undefined) {
      return yield* Effect.fail(new Error(`unknown group ${group}: pass --topics a,b (known groups: ${Object.keys(ConsumerGroups).join(", ")})`))
    }
    print(formatLag(group, yield* admin.groupLag(group, subscribed)))
  })

const deadLetters = (topic: string) =>
  Effect.gen(function* () {
    const admin = yield* EventBusAdmin
    return yield* admin.readTopic(isDlqTopic(topic) ? topic : dlqTopic(topic))
  })

export const dlqList = (topic: string, print: Print) =>
  Effect.gen(function* () {
    const letters = yield* deadLetters(topic)
    for (const letter of letters) print(formatDeadLetter(letter))
    print(`${letters.length} dead letter(s) in ${isDlqTopic(topic) ? topic : dlqTopic(topic)}`)
  })

/** Puts dead letters back on their original topic (all, or those at the given offsets). */
export const dlqReplay = (topic: string, offsets: ReadonlyArray<number> | undefined, print: Print) =>
  Effect.gen(function* () {
    const bus = yield* EventBus
    const letters: ReadonlyArray<DeliveredMessage> = yield* deadLetters(topic)
    const chosen = offsets === undefined ? letters : letters.filter((letter) => offsets.includes(letter.offset))
    if (chosen.length > 0) yield* bus.publish(chosen.map(replayOf))
    print(`replayed ${chosen.length} dead letter(s) to ${chosen[0] === undefined ? topic : replayOf(chosen[0]).topic}`)
  })

/** An app's outbox: how much waits, for how long, and how much was set aside. */
export const outboxStatus = (outbox: string, print: Print) =>
  Effect.gen(function* () {
    const backlog = yield* OutboxBacklog
    print(formatOutboxStats(outbox, yield* backlog.stats))
  })

/** The outbox entries the relay set aside (unreadable or not encodable), oldest first. */
export const outboxDead = (outbox: string, max: number, print: Print) =>
  Effect.gen(function* () {
    const backlog = yield* OutboxBacklog
    const dead = yield* backlog.dead(max)
    for (const entry of dead) print(formatDeadOutboxEntry(entry))
    print(`${dead.length} entr${dead.length === 1 ? "y" : "ies"} set aside from outbox ${outbox}`)
  })
