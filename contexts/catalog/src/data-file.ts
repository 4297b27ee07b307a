/**
 * Where the shipped product data lives: beside this package's sources, so every way of running the
 * shop (workspace, container image) finds the same file. Apps read it; the context only names it.
 */
export const defaultCatalogFile: URL = new URL("../data/products.json", import.meta.url)
