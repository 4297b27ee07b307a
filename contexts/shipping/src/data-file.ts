/**
 * Where the shipped shipping rules live: beside this package's sources, so every way of running the
 * shop (workspace, container image) finds the same file. Apps read and parse it (reading files is a
 * runtime matter); the context only names it and validates what was read (`parseShippingRules`).
 */
export const defaultShippingRulesFile: URL = new URL("../data/shipping_rules.yaml", import.meta.url)
