/**
 * The dependency rule (ARCHITECTURE §1) as a pure function: a context's source may import `effect`,
 * `@kasa/shared` and its own files, nothing else; the kernel may import only `effect` and itself.
 * Keeping contexts free of drivers, runtimes and each other is what lets them run on Bun, Node and Deno.
 */

export interface Violation {
  readonly file: string
  readonly specifier: string
  readonly reason: string
}

const importPattern = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\s\S]*?\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g

/** Every module specifier a source file imports or re-exports. */
export const specifiersOf = (source: string): ReadonlyArray<string> => {
  const withoutComments = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1")
  const found: Array<string> = []
  for (const match of withoutComments.matchAll(importPattern)) found.push((match[1] ?? match[2])!)
  return found
}

const normalize = (path: string): string => {
  const out: Array<string> = []
  for (const part of path.split("/")) {
    if (part === "..") out.pop()
    else if (part !== "." && part !== "") out.push(part)
  }
  return out.join("/")
}

export type PackageKind = "kernel" | "context"

/**
 * `file` is relative to the repository root, e.g. `contexts/cart/src/domain.ts`; `root` is the package
 * folder, e.g. `contexts/cart`.
 */
export const checkFile = (file: string, root: string, kind: PackageKind, source: string): ReadonlyArray<Violation> => {
  const violations: Array<Violation> = []
  const dir = file.slice(0, file.lastIndexOf("/"))
  for (const specifier of specifiersOf(source)) {
    if (specifier.startsWith(".")) {
      const target = normalize(`${dir}/${specifier}`)
      if (!target.startsWith(`${root}/`)) violations.push({ file, specifier, reason: `reaches outside ${root}` })
      continue
    }
    if (specifier === "effect" || specifier.startsWith("effect/")) continue
    if (kind === "context" && (specifier === "@kasa/shared" || specifier.startsWith("@kasa/shared/"))) continue
    violations.push({
      file,
      specifier,
      reason: kind === "context" ? "a context may import only effect, @kasa/shared and its own files" : "the kernel may import only effect and its own files"
    })
  }
  return violations
}
