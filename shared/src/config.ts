/**
 * Typed configuration from the environment (SPEC §8). A spec lists each variable with its parser;
 * loading either yields the whole typed record or fails naming every missing or malformed variable,
 * so a misconfigured app refuses to start with a message a person can act on. A message names the
 * variable and what it must be, never the value given: a value may be a secret (a password in
 * REDIS_URL, a token), and start-up errors end up in logs.
 */
import { Schema } from "effect"

export class ConfigError extends Schema.TaggedError<ConfigError>()("ConfigError", {
  problems: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `invalid configuration: ${this.problems.join("; ")}`
  }
}

interface Variable<A> {
  readonly name: string
  readonly required: boolean
  readonly parse: (raw: string) => A | undefined
  readonly expected: string
  readonly fallback?: A
}

export const string = (name: string): Variable<string> => ({ name, required: true, parse: (raw) => raw, expected: "a string" })

export const url = (name: string): Variable<string> => ({
  name,
  required: true,
  parse: (raw) => {
    try {
      new URL(raw)
      return raw
    } catch {
      return undefined
    }
  },
  expected: "a URL"
})

export const integer = (name: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): Variable<number> => ({
  name,
  required: true,
  parse: (raw) => {
    const value = Number(raw)
    return /^-?\d+$/.test(raw.trim()) && value >= min && value <= max ? value : undefined
  },
  expected: `an integer from ${min} to ${max}`
})

export const list = (name: string): Variable<ReadonlyArray<string>> => ({
  name,
  required: true,
  parse: (raw) => {
    const items = raw.split(",").map((item) => item.trim()).filter((item) => item !== "")
    return items.length === 0 ? undefined : items
  },
  expected: "a comma-separated list"
})

export const oneOf = <const A extends string>(name: string, values: ReadonlyArray<A>): Variable<A> => ({
  name,
  required: true,
  parse: (raw) => (values.includes(raw as A) ? (raw as A) : undefined),
  expected: `one of ${values.join(", ")}`
})

export const optional = <A>(variable: Variable<A>): Variable<A | undefined> => ({ ...variable, required: false })

export const withDefault = <A>(variable: Variable<A>, fallback: A): Variable<A> => ({ ...variable, required: false, fallback })

type Spec = Readonly<Record<string, Variable<unknown>>>
export type ConfigOf<S extends Spec> = { readonly [K in keyof S]: S[K] extends Variable<infer A> ? A : never }

/** All problems at once, not just the first. */
export const loadConfig = <S extends Spec>(
  spec: S,
  env: Readonly<Record<string, string | undefined>>
): { readonly ok: true; readonly config: ConfigOf<S> } | { readonly ok: false; readonly error: ConfigError } => {
  const problems: Array<string> = []
  const config: Record<string, unknown> = {}
  for (const [key, variable] of Object.entries(spec)) {
    const raw = env[variable.name]
    if (raw === undefined || raw.trim() === "") {
      if (variable.required) problems.push(`${variable.name} is required (${variable.expected})`)
      config[key] = variable.fallback
      continue
    }
    const value = variable.parse(raw.trim())
    if (value === undefined) problems.push(`${variable.name} must be ${variable.expected}`)
    config[key] = value
  }
  return problems.length > 0
    ? { ok: false, error: new ConfigError({ problems }) }
    : { ok: true, config: config as ConfigOf<S> }
}

/** Removes the userinfo of every URL in a text (an error message that quotes a connection string). */
export const redactUrlsIn = (text: string): string => text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/"']*@/gi, "$1")
