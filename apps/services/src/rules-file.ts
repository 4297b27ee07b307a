/**
 * Loading the services rules at start: `SERVICES_RULES_FILE` when set, else the file the context
 * ships; read by the platform's `loadDataFile` (YAML, or JSON), validated with the context's Schema
 * (`parseServicesRules`). Any problem (missing file, bad YAML, a bad rule) stops the start with a
 * message naming the file and each field, so the app does not start on rules a shop owner got
 * wrong. Requests are then answered from memory.
 */
import { Effect, Layer } from "effect"
import { dataFileFrom, type InvalidDataFile, loadDataFile } from "@kasa/app-platform"
import { defaultServicesRulesFile, parseServicesRules, ServiceRulebook, type ServicesRules } from "@kasa/services"

export const SERVICES_RULES_FILE = "SERVICES_RULES_FILE"

/** `SERVICES_RULES_FILE` from `env` when set, else the file the services context ships. */
export const servicesRulesFile = (env: Readonly<Record<string, string | undefined>>): string | URL => dataFileFrom(env, SERVICES_RULES_FILE, defaultServicesRulesFile)

export const loadServicesRulesFile = (file: string | URL): Effect.Effect<ServicesRules, InvalidDataFile> => loadDataFile(file, parseServicesRules, "services rules")

/** The rulebook from `file`, loaded once when the layer is built. */
export const layerRulebookFromFile = (file: string | URL): Layer.Layer<ServiceRulebook, InvalidDataFile> =>
  Layer.effect(ServiceRulebook, Effect.map(loadServicesRulesFile(file), (rules) => ServiceRulebook.of({ rules })))
