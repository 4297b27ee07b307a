/**
 * The Apache Kafka jars the test broker runs from, fetched once by Maven from Maven Central into a
 * cache folder (`KASA_CACHE_DIR`, else ~/.cache/kasa) through a throwaway pom. The fetch is guarded so
 * concurrent runs neither fetch twice nor see half a folder: a lock folder taken by atomic mkdir (freed
 * when its holder died or it went stale) and a temporary folder renamed into place when complete.
 */
import { spawn } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs"
import { homedir } from "node:os"
import { join } from "node:path"
import { sleep } from "./broker-support.ts"

export const KAFKA_VERSION = "4.2.0"
const LOG4J_VERSION = "2.25.3"
const FETCH_LOCK_STALE_MS = 10 * 60_000

export const cacheDir = (): string => join(process.env.KASA_CACHE_DIR ?? join(homedir(), ".cache", "kasa"), `kafka-${KAFKA_VERSION}`)

const pom = (): string => `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>kasa.test</groupId>
  <artifactId>kafka-broker-jars</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${KAFKA_VERSION}</version></dependency>
    <!-- the broker logs through slf4j 1.x; without a binding its log (and our failure messages) would be empty -->
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>${LOG4J_VERSION}</version></dependency>
  </dependencies>
</project>
`

export const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * The jars folder, fetched once by Maven. A lock folder (atomic mkdir) keeps two concurrent runs from
 * fetching at once; the fetch lands in a temporary folder renamed into place, so a folder that exists
 * is complete.
 */
export const ensureJars = async (): Promise<{ readonly libs: string; readonly fetched: boolean }> => {
  const dir = cacheDir()
  const libs = join(dir, "libs")
  if (existsSync(join(libs, `kafka_2.13-${KAFKA_VERSION}.jar`))) return { libs, fetched: false }
  mkdirSync(dir, { recursive: true })
  const lock = join(dir, ".fetch.lock")
  const deadline = Date.now() + 15 * 60_000
  for (;;) {
    try {
      mkdirSync(lock)
      writeFileSync(join(lock, "pid"), String(process.pid))
      break
    } catch {
      if (existsSync(join(libs, `kafka_2.13-${KAFKA_VERSION}.jar`))) return { libs, fetched: false }
      let holder = Number.NaN
      try {
        holder = Number(readFileSync(join(lock, "pid"), "utf8"))
      } catch {}
      const age = (() => {
        try {
          return Date.now() - statSync(lock).mtimeMs
        } catch {
          return 0
        }
      })()
      if ((Number.isFinite(holder) && !pidAlive(holder)) || age > FETCH_LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true })
      else if (Date.now() > deadline) throw new Error(`Timed out waiting for another process fetching Kafka jars into ${dir} (lock ${lock})`)
      else await sleep(500)
    }
  }
  try {
    if (existsSync(join(libs, `kafka_2.13-${KAFKA_VERSION}.jar`))) return { libs, fetched: false }
    // Holding the lock, any fetch folder left behind belongs to a fetch that died.
    for (const entry of readdirSync(dir)) if (entry.startsWith("fetch-")) rmSync(join(dir, entry), { recursive: true, force: true })
    const work = mkdtempSync(join(dir, "fetch-"))
    try {
      writeFileSync(join(work, "pom.xml"), pom())
      const out = join(work, "libs")
      const result = await run("mvn", ["-q", "-B", "-f", join(work, "pom.xml"), "dependency:copy-dependencies", `-DoutputDirectory=${out}`, "-DincludeScope=runtime"])
      if (result.code !== 0 || !existsSync(join(out, `kafka_2.13-${KAFKA_VERSION}.jar`))) {
        throw new Error(`Maven could not fetch org.apache.kafka:kafka_2.13:${KAFKA_VERSION} (exit ${result.code}):\n${result.output.slice(-4_000)}`)
      }
      rmSync(libs, { recursive: true, force: true })
      renameSync(out, libs)
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
    return { libs, fetched: true }
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

export const run = (command: string, args: ReadonlyArray<string>): Promise<{ readonly code: number; readonly output: string }> =>
  new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    child.stdout.on("data", (chunk) => (output += chunk))
    child.stderr.on("data", (chunk) => (output += chunk))
    child.on("error", (error) => resolve({ code: -1, output: String(error) }))
    child.on("close", (code) => resolve({ code: code ?? -1, output }))
  })
