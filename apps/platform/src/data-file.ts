/**
 * Loading a data file at start (the catalog's products, the promotion, services and shipping rules):
 * read, parsed as YAML by Bun.YAML (JSON is YAML, so a `.json` file works too), validated by the
 * context's own parse function, then kept in memory by the caller. Any problem (missing or
 * unreadable file, bad syntax, content that breaks a rule) is one InvalidDataFile naming the file
 * and each problem, so the app does not start on data a shop owner got wrong and the message says
 * what to fix. One copy, so every app reads its files and reports their problems the same way.
 */
import { readFile } from "node:fs/promises"
import { fileURLToPath } from "node:url"
import { Effect, type Result, Schema } from "effect"

export class InvalidDataFile extends Schema.TaggedError<InvalidDataFile>()("InvalidDataFile", {
  /** What the file holds, as the message names it ("catalog", "promotion rules"). */
  what: Schema.String,
  source: Schema.String,
  problems: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `invalid ${this.what} ${this.source}: ${this.problems.join("; ")}`
  }
}

/** A context's check of a parsed file: the value, or the problems found (each naming its field). */
export type DataFileParser<A> = (input: unknown, source: string) => Result.Result<A, { readonly problems: ReadonlyArray<string> }>

/** The file `variable` names in `env` when set (not blank), else `shipped` (the file the context ships). */
export const dataFileFrom = (env: Readonly<Record<string, string | undefined>>, variable: string, shipped: URL): string | URL => {
  const configured = env[variable]?.trim()
  return configured === undefined || configured === "" ? shipped : configured
}

const why = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** The value of `file` as `parse` reads it; `what` names the file's content in the error's message. */
export const loadDataFile = <A>(file: string | URL, parse: DataFileParser<A>, what: string): Effect.Effect<A, InvalidDataFile> => {
  const source = typeof file === "string" ? file : fileURLToPath(file)
  const invalid = (problems: ReadonlyArray<string>) => new InvalidDataFile({ what, source, problems })
  const syntax = source.toLowerCase().endsWith(".json") ? "not JSON" : "not YAML (or JSON)"
  return Effect.gen(function* () {
    const text = yield* Effect.tryPromise({ try: () => readFile(source, "utf8"), catch: (error) => invalid([`cannot read the file: ${why(error)}`]) })
    const content = yield* Effect.try({ try: (): unknown => Bun.YAML.parse(text), catch: (error) => invalid([`${syntax}: ${why(error)}`]) })
    const parsed = parse(content, source)
    return parsed._tag === "Success" ? parsed.success : yield* invalid(parsed.failure.problems)
  }).pipe(Effect.withSpan("DataFile.load", { attributes: { "data_file.path": source, "data_file.what": what } }))
}
