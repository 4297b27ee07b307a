/**
 * The catalog as a value: the product list of the shipped data file, checked once when it is loaded
 * (every field against the Product schema, no duplicate offer ids, warranties saying what they cover,
 * one currency for the whole shop), then looked up by id and filtered by category. Pure: reading
 * the file and the live stock belong to the app and the StockReservations port.
 */
import { Result, Schema } from "effect"
import { InvalidCatalog, ProductNotFound, UnknownCategory } from "./errors.ts"
import { Category, Product } from "./product.ts"

/** The data file: `{ "products": [ ... ] }`. */
export const CatalogFile = Schema.Struct({ products: Schema.Array(Schema.Unknown) })

export interface Catalog {
  readonly products: ReadonlyArray<Product>
  readonly byId: ReadonlyMap<string, Product>
  /** The one currency every price is in. */
  readonly currency: string
}

export const categories: ReadonlyArray<Category> = Category.literals

const decodeProduct = Schema.toStandardSchemaV1(Product)["~standard"]

const pathOf = (path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined): string =>
  (path ?? []).map((part) => String(typeof part === "object" ? part.key : part)).join(".")

/** Field problems of one raw product, each as `products[i] (offer_id).field: message`. */
const productProblems = (raw: unknown, index: number): { readonly product?: Product; readonly problems: ReadonlyArray<string> } => {
  const result = decodeProduct.validate(raw)
  if (result instanceof Promise) throw new Error("the Product schema is synchronous")
  const label = typeof raw === "object" && raw !== null && typeof (raw as { offer_id?: unknown }).offer_id === "string"
    ? `products[${index}] (${(raw as { offer_id: string }).offer_id})`
    : `products[${index}]`
  if (result.issues !== undefined) {
    return { problems: result.issues.map((issue) => `${label}${issue.path?.length ? `.${pathOf(issue.path)}` : ""}: ${issue.message}`) }
  }
  const product = (result as { readonly value: Product }).value
  const problems: Array<string> = []
  if (product.category === "warranty") {
    if (product.warranty_for === undefined || product.warranty_for.length === 0) problems.push(`${label}.warranty_for: a warranty must list the categories it covers`)
    else if (product.warranty_for.includes("warranty")) problems.push(`${label}.warranty_for: a warranty cannot cover a warranty`)
  } else if (product.warranty_for !== undefined) {
    problems.push(`${label}.warranty_for: only warranties cover other categories`)
  }
  return { product, problems }
}

/** A catalog from parsed JSON (the data file's content), or every problem found in it. */
export const parseCatalog = (input: unknown, source = "catalog"): Result.Result<Catalog, InvalidCatalog> => {
  const file = Schema.decodeUnknownResult(CatalogFile)(input)
  if (Result.isFailure(file)) return Result.fail(new InvalidCatalog({ source, problems: [`expected {"products": [...]}: ${String(file.failure)}`] }))
  const raw = file.success.products
  if (raw.length === 0) return Result.fail(new InvalidCatalog({ source, problems: ["products: the catalog has no products"] }))
  const problems: Array<string> = []
  const products: Array<Product> = []
  const positions: Array<number> = []
  const firstIndex = new Map<string, number>()
  raw.forEach((item, index) => {
    const checked = productProblems(item, index)
    problems.push(...checked.problems)
    const offerId = typeof item === "object" && item !== null ? (item as { offer_id?: unknown }).offer_id : undefined
    if (typeof offerId === "string") {
      const seen = firstIndex.get(offerId)
      if (seen !== undefined) problems.push(`products[${index}].offer_id: duplicate of products[${seen}] (${offerId})`)
      else firstIndex.set(offerId, index)
    }
    if (checked.product !== undefined) {
      products.push(checked.product)
      positions.push(index)
    }
  })
  const currency = products[0]?.currency ?? ""
  products.forEach((product, i) => {
    if (product.currency !== currency) problems.push(`products[${positions[i]}] (${product.offer_id}).currency: ${product.currency}, but the catalog is priced in ${currency}`)
  })
  if (problems.length > 0) return Result.fail(new InvalidCatalog({ source, problems }))
  return Result.succeed({ products, byId: new Map(products.map((p) => [p.offer_id, p])), currency })
}

export const findProduct = (catalog: Catalog, offerId: string): Result.Result<Product, ProductNotFound> => {
  const product = catalog.byId.get(offerId)
  return product === undefined ? Result.fail(new ProductNotFound({ offer_id: offerId })) : Result.succeed(product)
}

/** A category named in a request, or why it is not one. */
export const parseCategory = (raw: string): Result.Result<Category, UnknownCategory> =>
  (categories as ReadonlyArray<string>).includes(raw) ? Result.succeed(raw as Category) : Result.fail(new UnknownCategory({ category: raw, known: [...categories] }))

/** The products of one category (all of them without one), in the file's order. */
export const productsIn = (catalog: Catalog, category?: Category): ReadonlyArray<Product> =>
  category === undefined ? catalog.products : catalog.products.filter((product) => product.category === category)

/** A product as the shop shows it: the file's data with the live number of units available. */
export const withStock = (product: Product, available: number): Product => ({ ...product, stock: Math.max(0, available) })
