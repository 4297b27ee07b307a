/**
 * Checkout's AppliedCodeCheck port over promotion's own finalize check (`checkAppliedCode`, SPEC
 * §4.5): it reads the session's promotion state (PromotionStore over the same key-value store), the
 * rules (the promotion rules file, as the promotion app loads it) and the code's counted uses
 * (CodeUsage by mode). It only reads; the use is counted when the order completes (promotion-consumer).
 */
import { Effect, Layer } from "effect"
import { checkAppliedCode, CodeUsage, layerPromotionStore, PromotionRules, PromotionStore } from "@kasa/promotion"
import { layerCodeUsage, layerRulesFile, rulesFileFrom } from "@kasa/app-promotion"
import { AppliedCodeCheck, CheckoutUnavailable } from "@kasa/checkout"

export const layerAppliedCodeCheck = (rulesFile: string | URL) =>
  Layer.effect(
    AppliedCodeCheck,
    Effect.gen(function* () {
      const services = yield* Effect.context<PromotionStore | PromotionRules | CodeUsage>()
      return AppliedCodeCheck.of({
        check: (sessionId) =>
          checkAppliedCode(sessionId).pipe(
            Effect.provideContext(services),
            Effect.map((check) => (check.ok ? { ok: true as const } : { ok: false as const, code: check.code, reason: check.reason, detail: check.detail })),
            Effect.mapError((error) => new CheckoutUnavailable({ operation: "check the applied code", message: error.message }))
          )
      })
    })
  ).pipe(Layer.provide(Layer.mergeAll(layerPromotionStore, layerRulesFile(rulesFile), layerCodeUsage)))

export { rulesFileFrom }
