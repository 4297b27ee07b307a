/**
 * The cart's ServicePricing from the services context's rules (SPEC §4.6, §9): the cart app embeds
 * the services library rather than calling the services app (contexts never call each other over
 * HTTP). The rules file (`SERVICES_RULES_FILE`, else the one the services context ships) is read
 * once at start by the platform's `loadDataFile` and validated with the context's Schema; a missing
 * or invalid file stops the start naming it and each problem. A quote is the rule's unit price; every refusal
 * (unknown service, a category the service is not for, an item service without a line, a standalone
 * one on a line) becomes ServiceNotAvailable with the library's reason, which the cart answers 422.
 */
import { Effect, Layer, Result } from "effect"
import { dataFileFrom, type InvalidDataFile, loadDataFile } from "@kasa/app-platform"
import { ServiceNotAvailable, ServicePricing } from "@kasa/cart"
import { defaultServicesRulesFile, parseServicesRules, quoteServiceLine, type ServicesRules } from "@kasa/services"

export const SERVICES_RULES_FILE = "SERVICES_RULES_FILE"

/** `SERVICES_RULES_FILE` from `env` when set, else the file the services context ships. */
export const servicesRulesFile = (env: Readonly<Record<string, string | undefined>>): string | URL => dataFileFrom(env, SERVICES_RULES_FILE, defaultServicesRulesFile)

export const makeServicePricing = (rules: ServicesRules) =>
  ServicePricing.of({
    quote: ({ service_id, parent }) => {
      const quoted = quoteServiceLine(rules, {
        service_id,
        parent: parent === undefined ? undefined : { item_id: parent.item_id, category: parent.category, quantity: parent.quantity }
      })
      return Result.isSuccess(quoted)
        ? Effect.succeed({ name: quoted.success.name, unit_price: quoted.success.unit_price, currency: quoted.success.currency })
        : Effect.fail(new ServiceNotAvailable({ service_id, reason: quoted.failure.message }))
    }
  })

/** ServicePricing over rules already loaded (tests, or a process that loaded them itself). */
export const layerServicePricing = (rules: ServicesRules): Layer.Layer<ServicePricing> => Layer.succeed(ServicePricing, makeServicePricing(rules))

/** ServicePricing over the rules of `file`, loaded once when the layer is built. */
export const layerServicesRulesPricing = (file: string | URL): Layer.Layer<ServicePricing, InvalidDataFile> =>
  Layer.effect(ServicePricing, Effect.map(loadDataFile(file, parseServicesRules, "services rules"), makeServicePricing))
