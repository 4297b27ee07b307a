/**
 * The shipping rules from the file the shop ships (`contexts/shipping/data/shipping_rules.yaml`), or
 * the one `SHIPPING_RULES_FILE` names: read once at start by the platform's `loadDataFile` (YAML, or
 * JSON), checked with the context's Schema (`parseShippingRules`), then served from memory as
 * CurrentShippingRules. A file that is missing, unreadable or breaks a rule stops the start with a
 * message naming the file and each problem.
 */
import { Layer } from "effect"
import { dataFileFrom, type InvalidDataFile, loadDataFile } from "@kasa/app-platform"
import { CurrentShippingRules, defaultShippingRulesFile, parseShippingRules } from "@kasa/shipping"

export const SHIPPING_RULES_FILE = "SHIPPING_RULES_FILE"

/** `SHIPPING_RULES_FILE` from `env` when set, else the file the shipping context ships. */
export const shippingRulesFile = (env: Readonly<Record<string, string | undefined>>): string | URL => dataFileFrom(env, SHIPPING_RULES_FILE, defaultShippingRulesFile)

/** CurrentShippingRules from `file`, loaded once when the layer is built. */
export const layerShippingRulesFile = (file: string | URL): Layer.Layer<CurrentShippingRules, InvalidDataFile> =>
  Layer.effect(CurrentShippingRules, loadDataFile(file, parseShippingRules, "shipping rules"))
