/**
 * `bun pglite-template-main.ts <path>`: runs PGlite's initdb in this short-lived process and writes
 * the initialized data folder as a gzipped tarball to `<path>` (through a temporary name, renamed
 * when complete). pglite-template.ts starts it, so initdb's memory never stays in a shop's process.
 */
import { rename, writeFile } from "node:fs/promises"
import { PGlite } from "@electric-sql/pglite"

const path = process.argv[2]
if (path === undefined) {
  console.error("usage: pglite-template-main.ts <path of the tarball to write>")
  process.exit(2)
}
const db = await PGlite.create()
const tarball = await db.dumpDataDir("gzip")
await db.close()
const partial = `${path}.${process.pid}.partial`
await writeFile(partial, new Uint8Array(await tarball.arrayBuffer()))
await rename(partial, path)
