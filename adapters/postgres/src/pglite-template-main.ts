/**
 * `bun pglite-template-main.ts <path>`: runs PGlite's initdb in this short-lived process and writes
 * the initialized data folder as a gzipped tarball to `<path>` (through a temporary name, renamed
 * when complete). pglite-template.ts starts it, so initdb's memory never stays in a shop's process.
 * The folder is made small, since an in-memory PGlite holds every file of it in the process: WAL
 * segments of `TEMPLATE_WAL_SEGMENT_MB` instead of 16 MB, and only the `postgres` database (initdb's
 * template0 and template1 are dropped: an embedded shop keeps its records in one database and never
 * creates another), 39 MB of files down to about 15.
 */
import { rename, writeFile } from "node:fs/promises"
import { PGlite } from "@electric-sql/pglite"
import { TEMPLATE_WAL_SEGMENT_MB } from "./pglite-template.ts"

const path = process.argv[2]
if (path === undefined) {
  console.error("usage: pglite-template-main.ts <path of the tarball to write>")
  process.exit(2)
}
const db = await PGlite.create({ initDbStartParams: [`--wal-segsize=${TEMPLATE_WAL_SEGMENT_MB}`] })
await db.exec("UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1')")
await db.exec("DROP DATABASE template0")
await db.exec("DROP DATABASE template1")
await db.exec("CHECKPOINT")
const tarball = await db.dumpDataDir("gzip")
await db.close()
const partial = `${path}.${process.pid}.partial`
await writeFile(partial, new Uint8Array(await tarball.arrayBuffer()))
await rename(partial, path)
