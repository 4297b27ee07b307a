/**
 * The services context as a module any process can mount (its own app, or the one-process shop):
 * ServicesStore over the process's StateStore (memory embedded, Redis distributed), the rules from
 * `SERVICES_RULES_FILE` (else the shipped file; a bad file stops the start naming each problem),
 * recorded under `services:rules` at start, the HTTP routes with their OpenAPI paths, and the
 * services-consumer projecting cart-events and publishing services.availability_calculated.
 */
import { Layer } from "effect"
import { layerServicesStore, recordRules, servicesConsumer } from "@kasa/services"
import { type AppModule, consumerSpec } from "@kasa/app-platform"
import { servicesOpenApiPaths } from "./openapi.ts"
import { layerRulebookFromFile, servicesRulesFile } from "./rules-file.ts"
import { type ServicesAppServices, servicesRoutes } from "./routes.ts"

export interface ServicesModuleOptions {
  /** The rules file; default `SERVICES_RULES_FILE` from `env`, else the file the services context ships. */
  readonly rulesFile?: string | URL
  /** Where `SERVICES_RULES_FILE` is read from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>
}

export const servicesModule = (options: ServicesModuleOptions = {}): AppModule<ServicesAppServices> => {
  return {
    name: "services",
    layer: Layer.mergeAll(layerServicesStore, layerRulebookFromFile(options.rulesFile ?? servicesRulesFile(options.env ?? process.env))),
    routes: servicesRoutes,
    openApiPaths: servicesOpenApiPaths,
    consumers: [consumerSpec(servicesConsumer())],
    onStart: recordRules()
  }
}
