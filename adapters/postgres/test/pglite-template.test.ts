// The initialized data folder a new PGlite starts from (pglite-template.ts): made by a child process
// as a gzipped tarball at the path asked (not remade when there), a database loaded from it answers
// queries and is independent of another loaded from it, a fresh folder on disk starts from it and
// keeps its data when reopened, and a database has the embedded shop's small buffers, one database and
// small WAL segments (an in-memory PGlite holds every file of its folder).
import { afterAll, expect, test } from "bun:test"
import { mkdtemp, rm, stat } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PGlite } from "@electric-sql/pglite"
import { createPglite, initializedDataDir, TEMPLATE_WAL_SEGMENT_MB, writeTemplate } from "@kasa/adapter-postgres"

const folder = await mkdtemp(join(tmpdir(), "kasa-pglite-template-test-"))
afterAll(() => rm(folder, { recursive: true, force: true }))

test("the tarball is made once at the path asked, and databases loaded from it are independent", async () => {
  const path = join(folder, "nested", "pgdata.tar.gz")
  expect(await writeTemplate(path)).toBe(true)
  const made = await stat(path)
  const bytes = new Uint8Array(await Bun.file(path).arrayBuffer())
  expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]) // gzip
  expect(await writeTemplate(path)).toBe(true)
  expect((await stat(path)).mtimeMs).toBe(made.mtimeMs)

  const [a, b] = await Promise.all([0, 1].map(() => PGlite.create({ loadDataDir: new Blob([bytes]) })))
  try {
    await a!.exec("create table t (id int primary key)")
    await a!.exec("insert into t values (1)")
    expect((await a!.query<{ n: number }>("select count(*)::int as n from t")).rows).toEqual([{ n: 1 }])
    expect((await b!.query<{ n: number }>("select count(*)::int as n from pg_tables where tablename = 't'")).rows).toEqual([{ n: 0 }])
    expect((await b!.query<{ datname: string }>("select datname from pg_database")).rows).toEqual([{ datname: "postgres" }])
    expect((await b!.query<{ wal_segment_size: string }>("show wal_segment_size")).rows).toEqual([{ wal_segment_size: `${TEMPLATE_WAL_SEGMENT_MB}MB` }])
  } finally {
    await Promise.all([a!.close(), b!.close()])
  }
}, 120_000)

test("createPglite has the template of this machine; a fresh folder on disk keeps its data when reopened; buffers are the embedded shop's", async () => {
  expect(await initializedDataDir()).toBeInstanceOf(Blob)
  const dataDir = join(folder, "records")
  const first = await createPglite({ dataDir })
  await first.exec("create table kept (note text)")
  await first.exec("insert into kept values ('still here')")
  expect((await first.query<{ shared_buffers: string }>("show shared_buffers")).rows).toEqual([{ shared_buffers: "16MB" }])
  await first.close()
  const again = await createPglite({ dataDir })
  try {
    expect((await again.query<{ note: string }>("select note from kept")).rows).toEqual([{ note: "still here" }])
  } finally {
    await again.close()
  }
}, 120_000)
