/**
 * The promotion rules from the file the shop ships (`contexts/promotion/data/promotions.yaml`), or
 * the one `PROMOTION_RULES_FILE` names: read once at start by the platform's `loadDataFile` (YAML,
 * or JSON), checked with the context's own rules (`parseRules`), then served from memory. A file
 * that is missing, unreadable or breaks a rule stops the start with a message naming the file and
 * each problem.
 */
import { Effect, Layer } from "effect"
import { dataFileFrom, type InvalidDataFile, loadDataFile } from "@kasa/app-platform"
import { defaultRulesFile, parseRules, PromotionRules, type Rules } from "@kasa/promotion"

export const PROMOTION_RULES_FILE = "PROMOTION_RULES_FILE"

/** `PROMOTION_RULES_FILE` from `env` when set, else the file the promotion context ships. */
export const rulesFileFrom = (env: Readonly<Record<string, string | undefined>>): string | URL => dataFileFrom(env, PROMOTION_RULES_FILE, defaultRulesFile)

export const loadRulesFile = (file: string | URL): Effect.Effect<Rules, InvalidDataFile> => loadDataFile(file, parseRules, "promotion rules")

/** PromotionRules from `file`, loaded when the layer is built. */
export const layerRulesFile = (file: string | URL): Layer.Layer<PromotionRules, InvalidDataFile> =>
  Layer.effect(PromotionRules, Effect.map(loadRulesFile(file), (rules) => PromotionRules.of({ rules })))
