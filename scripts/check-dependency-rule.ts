/**
 * `bun run deps:check`: applies the dependency rule to shared/ and every contexts/* package (their
 * src/ folders; tests may use the test runner). Exits non-zero listing each violation.
 */
import { Glob } from "bun"
import { checkFile, type PackageKind, type Violation } from "./dependency-rule.ts"

const root = new URL("..", import.meta.url).pathname
const packages: Array<{ readonly dir: string; readonly kind: PackageKind }> = [{ dir: "shared", kind: "kernel" }]
for await (const pkg of new Glob("contexts/*/package.json").scan({ cwd: root })) {
  packages.push({ dir: pkg.slice(0, -"/package.json".length), kind: "context" })
}

const violations: Array<Violation> = []
let files = 0
for (const pkg of packages) {
  for await (const file of new Glob(`${pkg.dir}/src/**/*.ts`).scan({ cwd: root })) {
    files++
    violations.push(...checkFile(file, pkg.dir, pkg.kind, await Bun.file(`${root}/${file}`).text()))
  }
}

if (violations.length > 0) {
  for (const v of violations) console.error(`${v.file}: imports "${v.specifier}": ${v.reason}`)
  console.error(`dependency rule: ${violations.length} violation(s)`)
  process.exit(1)
}
console.log(`dependency rule: ${files} files in ${packages.length} package(s) import only what they may`)
