/**
 * Loading the services rules at start: `SERVICES_RULES_FILE` when set, else the file the context
 * ships; read, parsed as YAML (Bun.YAML), validated with the context's Schema. Any problem (missing
 * file, bad YAML, a bad rule) is an InvalidServicesRules naming the file and each field, so the app
 * does not start on rules a shop owner got wrong. Requests are then answered from memory.
 */
import { readFile } from "node:fs/promises"
import { fileURLToPath } from "node:url"
import { Effect, Layer, Result } from "effect"
import { defaultServicesRulesFile, InvalidServicesRules, parseServicesRules, ServiceRulebook, type ServicesRules } from "@kasa/services"

export const SERVICES_RULES_FILE = "SERVICES_RULES_FILE"

/** `SERVICES_RULES_FILE` from `env` when set, else the file the services context ships. */
export const servicesRulesFile = (env: Readonly<Record<string, string | undefined>>): string | URL => {
  const configured = env[SERVICES_RULES_FILE]?.trim()
  return configured === undefined || configured === "" ? defaultServicesRulesFile : configured
}

export const loadServicesRulesFile = (file: string | URL): Effect.Effect<ServicesRules, InvalidServicesRules> => {
  const path = typeof file === "string" ? file : fileURLToPath(file)
  const invalid = (problem: string, error: unknown) => new InvalidServicesRules({ source: path, problems: [`${problem}: ${error instanceof Error ? error.message : String(error)}`] })
  return Effect.gen(function* () {
    const text = yield* Effect.tryPromise({ try: () => readFile(path, "utf8"), catch: (error) => invalid("cannot read the file", error) })
    const yaml = yield* Effect.try({ try: (): unknown => Bun.YAML.parse(text), catch: (error) => invalid("not YAML", error) })
    const parsed = parseServicesRules(yaml, path)
    return Result.isSuccess(parsed) ? parsed.success : yield* parsed.failure
  }).pipe(Effect.withSpan("Services.loadRulesFile", { attributes: { "services.rules_file": path } }))
}

/** The rulebook from `file`, loaded once when the layer is built. */
export const layerRulebookFromFile = (file: string | URL): Layer.Layer<ServiceRulebook, InvalidServicesRules> =>
  Layer.effect(ServiceRulebook, Effect.map(loadServicesRulesFile(file), (rules) => ServiceRulebook.of({ rules })))
