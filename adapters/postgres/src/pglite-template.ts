/**
 * A freshly initialized PGlite data folder as a tarball, made once per machine and PGlite version and
 * kept in the OS's temp folder, so a new database starts by loading it instead of running initdb:
 * measured under Bun (a probe: start an empty database, then 5,000 inserts): initdb in
 * process takes ~3.8 s and leaves the process at ~740 MB RSS; loading the tarball takes ~1.3 s and
 * ~330 MB (with the small buffers of `PGLITE_SETTINGS`, ~250 MB after a collection; the template's
 * small folder, pglite-template-main.ts, took a probe's RSS from about 218 to 185 MB). The tarball is
 * made in a child process (pglite-template-main.ts), so initdb's memory is never this process's;
 * written to a temporary name and renamed, so two processes making it at once never read half of one.
 * When it cannot be made (no writable temp folder, no child process), PGlite runs initdb as before.
 */
import { existsSync } from "node:fs"
import { mkdir, readFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"

/**
 * Postgres settings for an embedded shop's records: PGlite's defaults are a server's (128 MB of
 * shared buffers), in a process that also serves every context. The records of one shop fit these.
 */
export const PGLITE_SETTINGS: ReadonlyArray<string> = ["shared_buffers=16MB", "work_mem=2MB", "maintenance_work_mem=8MB", "temp_buffers=1MB", "wal_buffers=256kB"]

/** The size of the template's WAL segments (initdb's `--wal-segsize`; Postgres's default is 16). */
export const TEMPLATE_WAL_SEGMENT_MB = 1
/** Names what the template holds beside PGlite's version, so a machine with a tarball of another layout makes a new one. */
const TEMPLATE_LAYOUT = `one-database-wal${TEMPLATE_WAL_SEGMENT_MB}mb`

const pgliteVersion = async (): Promise<string> => {
  const manifest = new URL("../package.json", import.meta.resolve("@electric-sql/pglite"))
  const parsed = JSON.parse(await readFile(manifest, "utf8")) as { version?: unknown }
  return typeof parsed.version === "string" ? parsed.version : "unknown"
}

/** Where the tarball for this PGlite version is kept (KASA_PGLITE_TEMPLATE_DIR, else the temp folder). */
export const templatePath = async (env: Readonly<Record<string, string | undefined>> = process.env): Promise<string> =>
  join(env.KASA_PGLITE_TEMPLATE_DIR || join(tmpdir(), "kasa-pglite"), `pgdata-${await pgliteVersion()}-${TEMPLATE_LAYOUT}.tar.gz`)

let made: Promise<Blob | undefined> | undefined

/** Makes the tarball at `path` in a child process unless it is there; answers whether it is there now. */
export const writeTemplate = async (path: string): Promise<boolean> => {
  if (existsSync(path)) return true
  await mkdir(dirname(path), { recursive: true })
  const child = Bun.spawn([process.execPath, new URL("./pglite-template-main.ts", import.meta.url).pathname, path], {
    stdout: "ignore",
    stderr: "ignore",
    env: { ...process.env, BUN_JSC_forceRAMSize: process.env.BUN_JSC_forceRAMSize ?? "536870912" }
  })
  return (await child.exited) === 0 && existsSync(path)
}

const makeTemplate = async (): Promise<Blob | undefined> => {
  const path = await templatePath()
  return (await writeTemplate(path)) ? new Blob([await readFile(path)]) : undefined
}

/**
 * The initialized data folder's tarball, made on first use in this process (undefined when it could
 * not be made: the caller lets PGlite run initdb). Later databases of the process reuse it.
 */
export const initializedDataDir = (): Promise<Blob | undefined> => {
  made ??= makeTemplate().catch(() => undefined)
  return made
}
