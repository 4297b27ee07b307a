/**
 * Topic retention at provisioning: `retention.ms` is set explicitly on every topic rather than left to
 * the broker's default, because the consumers' processed markers are kept a day longer than it
 * (`markerLifetimeMs`): a message still on the topic must always find its marker. Topics that already
 * exist are brought to the asked retention too, so an upgrade does not keep a broker default.
 */
import { ConfigResourceTypes, IncrementalAlterConfigOperationTypes } from "@platformatic/kafka"
import type { TopicSpec } from "@kasa/shared"
import type { KafkaClients } from "./kafka-clients.ts"

export const RETENTION_MS = "retention.ms"

/** The topics to create, one batch per retention (createTopics takes one config list per call). */
export const byRetention = (specs: ReadonlyArray<TopicSpec>): ReadonlyArray<{ readonly retentionMs: number | undefined; readonly specs: ReadonlyArray<TopicSpec> }> => {
  const groups = new Map<number | undefined, Array<TopicSpec>>()
  for (const spec of specs) groups.set(spec.retentionMs, [...(groups.get(spec.retentionMs) ?? []), spec])
  return [...groups].map(([retentionMs, grouped]) => ({ retentionMs, specs: grouped }))
}

export const retentionConfigs = (retentionMs: number | undefined) =>
  retentionMs === undefined ? [] : [{ name: RETENTION_MS, value: String(retentionMs) }]

/** Each topic's `retention.ms` as the broker reports it. */
export const describeRetention = async (clients: KafkaClients, names: ReadonlyArray<string>): Promise<ReadonlyMap<string, string | null>> => {
  const described = await clients.admin.describeConfigs({
    resources: names.map((name) => ({ resourceType: ConfigResourceTypes.TOPIC, resourceName: name, configurationKeys: [RETENTION_MS] }))
  })
  return new Map(described.map((resource) => [resource.resourceName, resource.configs.find((c) => c.name === RETENTION_MS)?.value ?? null]))
}

/** Sets the asked retention on existing topics whose retention differs. */
export const alignRetention = async (clients: KafkaClients, existing: ReadonlyArray<TopicSpec>): Promise<void> => {
  const wanted = existing.filter((spec) => spec.retentionMs !== undefined)
  if (wanted.length === 0) return
  const current = await describeRetention(clients, wanted.map((spec) => spec.name))
  const differ = wanted.filter((spec) => current.get(spec.name) !== String(spec.retentionMs))
  if (differ.length === 0) return
  await clients.admin.incrementalAlterConfigs({
    resources: differ.map((spec) => ({
      resourceType: ConfigResourceTypes.TOPIC,
      resourceName: spec.name,
      configs: [{ name: RETENTION_MS, configOperation: IncrementalAlterConfigOperationTypes.SET, value: String(spec.retentionMs) }]
    }))
  })
}
