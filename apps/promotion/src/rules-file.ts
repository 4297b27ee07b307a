/**
 * The promotion rules from the file the shop ships (`contexts/promotion/data/promotions.yaml`), or
 * the one `PROMOTION_RULES_FILE` names: read once at start, parsed as YAML (JSON is YAML too, so a
 * `.json` file works as well), checked with the context's own rules (`parseRules`), then served from
 * memory. A file that is missing, unreadable or breaks a rule stops the start with a message naming
 * the file and each problem.
 */
import { readFile } from "node:fs/promises"
import { fileURLToPath } from "node:url"
import { Effect, Layer, Result } from "effect"
import { defaultRulesFile, InvalidRules, parseRules, PromotionRules, type Rules } from "@kasa/promotion"

export const PROMOTION_RULES_FILE = "PROMOTION_RULES_FILE"

/** `PROMOTION_RULES_FILE` from `env` when set, else the file the promotion context ships. */
export const rulesFileFrom = (env: Readonly<Record<string, string | undefined>>): string | URL => {
  const configured = env[PROMOTION_RULES_FILE]?.trim()
  return configured === undefined || configured === "" ? defaultRulesFile : configured
}

const why = (error: unknown): string => (error instanceof Error ? error.message : String(error))

export const loadRulesFile = (file: string | URL): Effect.Effect<Rules, InvalidRules> => {
  const path = typeof file === "string" ? file : fileURLToPath(file)
  return Effect.gen(function* () {
    const text = yield* Effect.tryPromise({
      try: () => readFile(path, "utf8"),
      catch: (error) => new InvalidRules({ source: path, problems: [`cannot read the file: ${why(error)}`] })
    })
    const content = yield* Effect.try({
      try: (): unknown => Bun.YAML.parse(text),
      catch: (error) => new InvalidRules({ source: path, problems: [`not YAML (or JSON): ${why(error)}`] })
    })
    const parsed = parseRules(content, path)
    return Result.isSuccess(parsed) ? parsed.success : yield* parsed.failure
  }).pipe(Effect.withSpan("Promotion.loadRules", { attributes: { "promotion.rules_file": path } }))
}

/** PromotionRules from `file`, loaded when the layer is built. */
export const layerRulesFile = (file: string | URL): Layer.Layer<PromotionRules, InvalidRules> =>
  Layer.effect(PromotionRules, Effect.map(loadRulesFile(file), (rules) => PromotionRules.of({ rules })))
