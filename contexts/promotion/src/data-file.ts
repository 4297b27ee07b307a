/**
 * Where the shipped promotion rules live: beside this package's sources, so every way of running the
 * shop (workspace, container image) finds the same file. Apps read it; the context only names it.
 */
export const defaultRulesFile: URL = new URL("../data/promotions.yaml", import.meta.url)

