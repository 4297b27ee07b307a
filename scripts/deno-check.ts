/**
 * `bun run deno:check`: type-checks the kernel and every context's source with Deno (from the npm
 * `deno` package), proving they are Deno-compatible libraries, not just Bun code.
 */
import { Glob } from "bun"

const root = new URL("..", import.meta.url).pathname
const files: Array<string> = []
for (const pattern of ["shared/src/**/*.ts", "contexts/*/src/**/*.ts"]) {
  for await (const file of new Glob(pattern).scan({ cwd: root })) files.push(file)
}
const deno = `${root}/node_modules/.bin/deno`
const child = Bun.spawn([deno, "check", "--quiet", ...files.sort()], { cwd: root, stdout: "inherit", stderr: "inherit", env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" } })
const code = await child.exited
if (code !== 0) {
  console.error(`deno check failed (${files.length} files)`)
  process.exit(code)
}
console.log(`deno check: ${files.length} files type-check under Deno`)
