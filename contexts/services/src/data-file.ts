/**
 * Where the shipped services rules live: beside this package's sources, so every way of running the
 * shop (workspace, container image) finds the same file. Apps read and parse it (YAML is a runtime
 * matter); the context only names it and validates what was read (`parseServicesRules`).
 */
export const defaultServicesRulesFile: URL = new URL("../data/services_rules.yaml", import.meta.url)
