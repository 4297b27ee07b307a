/**
 * Finds or starts the real Kafka broker a test run uses (ARCHITECTURE §6, §6.1): `KAFKA_BROKERS` if
 * set; else Redpanda through testcontainers when a container runtime answers; else Apache Kafka 4.2.0
 * itself, KRaft single node, run from its Maven Central jars with the machine's Java (fetched once into
 * a cache folder, formatted into a temporary folder, started on free loopback ports). Whatever it
 * starts it stops, also when the run ends abruptly; it never skips: if nothing works it says what is
 * missing.
 */
import { spawn, spawnSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs"
import { createServer, connect } from "node:net"
import { homedir, tmpdir } from "node:os"
import { join } from "node:path"
import { Admin } from "@platformatic/kafka"

export interface RunningKafka {
  /** Bootstrap servers, "host:port[,host:port]". */
  readonly brokers: string
  /** How it was obtained: "KAFKA_BROKERS", "testcontainers", "maven-jars". */
  readonly source: string
  /** Deletes this run's topics (names containing `runId`). */
  readonly cleanup: (runId: string) => Promise<void>
  /** Stops the broker if this run started it. */
  readonly stop: () => Promise<void>
}

export const KAFKA_VERSION = "4.2.0"
const LOG4J_VERSION = "2.25.3"
const REDPANDA_IMAGE = "docker.redpanda.com/redpandadata/redpanda:v24.2.7"
const STARTUP_DEADLINE_MS = 90_000
const FETCH_LOCK_STALE_MS = 10 * 60_000

const log = (line: string): void => console.log(`[kasa:test-kafka] ${line}`)
const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(1)} s`

export const startOrFindKafka = async (): Promise<RunningKafka> => {
  const started = performance.now()
  const fromEnv = process.env.KAFKA_BROKERS?.trim()
  if (fromEnv) {
    await waitForBroker(fromEnv, performance.now() + 30_000, () => `nothing answers at KAFKA_BROKERS=${fromEnv}`)
    log(`using KAFKA_BROKERS=${fromEnv} (${seconds(started)})`)
    return { brokers: fromEnv, source: "KAFKA_BROKERS", cleanup: (runId) => deleteRunTopics(fromEnv, runId), stop: async () => {} }
  }
  const runtime = await containerRuntime()
  if (runtime !== undefined) {
    const kafka = await startRedpanda()
    log(`started Redpanda through testcontainers (${runtime}) at ${kafka.brokers} (${seconds(started)})`)
    return kafka
  }
  const { kafka, fetched } = await startFromMavenJars()
  log(`started Apache Kafka ${KAFKA_VERSION} from Maven Central jars (${fetched ? "jars fetched now" : "cached jars"}) at ${kafka.brokers} (${seconds(started)})`)
  return kafka
}

// ---------------------------------------------------------------------------------------------------
// Shared helpers

/** Deletes every topic whose name contains `runId`: each run names its topics with its own id. */
const deleteRunTopics = async (brokers: string, runId: string): Promise<void> => {
  const admin = new Admin({ clientId: "kasa-test-cleanup", bootstrapBrokers: brokers.split(","), retries: 1, timeout: 10_000 })
  try {
    const topics = (await admin.listTopics()).filter((name) => name.includes(runId))
    if (topics.length > 0) await admin.deleteTopics({ topics })
  } finally {
    await admin.close().catch(() => {})
  }
}

/** Waits until a broker answers a metadata request (not only a TCP accept), or fails at the deadline. */
const waitForBroker = async (brokers: string, deadline: number, explain: () => string, exited?: () => string | undefined): Promise<void> => {
  let last = "no answer yet"
  while (performance.now() < deadline) {
    const gone = exited?.()
    if (gone !== undefined) throw new Error(gone)
    const admin = new Admin({ clientId: "kasa-test-probe", bootstrapBrokers: brokers.split(","), retries: 0, timeout: 2_000, connectTimeout: 1_000 })
    try {
      await admin.metadata({ topics: [] })
      return
    } catch (error) {
      last = error instanceof Error ? error.message : String(error)
    } finally {
      await admin.close().catch(() => {})
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`Kafka did not answer within the deadline (${last}). ${explain()}`)
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

// ---------------------------------------------------------------------------------------------------
// Container runtime: only used when one answers a ping (so a machine without one pays nothing).

const containerSockets = (): ReadonlyArray<string> => {
  const candidates: Array<string> = []
  const host = process.env.DOCKER_HOST
  if (host?.startsWith("unix://")) candidates.push(host.slice("unix://".length))
  candidates.push("/var/run/docker.sock", join(homedir(), ".docker/run/docker.sock"))
  if (process.env.XDG_RUNTIME_DIR) candidates.push(join(process.env.XDG_RUNTIME_DIR, "docker.sock"), join(process.env.XDG_RUNTIME_DIR, "podman/podman.sock"))
  return candidates
}

const pingSocket = (path: string): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ path })
    let reply = ""
    const done = (ok: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => done(false), 1_500)
    socket.on("connect", () => socket.write("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"))
    socket.on("data", (chunk) => {
      reply += chunk.toString()
      if (reply.includes("\r\n\r\n")) done(/^HTTP\/1\.[01] 200/.test(reply))
    })
    socket.on("error", () => done(false))
    socket.on("end", () => done(/^HTTP\/1\.[01] 200/.test(reply)))
  })

/** The socket of a container runtime that answers `/_ping`, if any. */
const containerRuntime = async (): Promise<string | undefined> => {
  for (const path of containerSockets()) {
    if (existsSync(path) && (await pingSocket(path))) return path
  }
  return undefined
}

const startRedpanda = async (): Promise<RunningKafka> => {
  const { GenericContainer, Wait } = await import("testcontainers")
  // The advertised address must be the one clients dial: bind the same free port on both sides.
  const port = await freePort()
  const container = await new GenericContainer(REDPANDA_IMAGE)
    .withExposedPorts({ container: port, host: port })
    .withCommand([
      "redpanda",
      "start",
      "--mode=dev-container",
      "--smp=1",
      "--overprovisioned",
      `--kafka-addr=PLAINTEXT://0.0.0.0:${port}`,
      `--advertise-kafka-addr=PLAINTEXT://127.0.0.1:${port}`
    ])
    .withWaitStrategy(Wait.forLogMessage(/Successfully started Redpanda|Started Kafka API server/))
    .withStartupTimeout(STARTUP_DEADLINE_MS)
    .start()
  // The same broker settings as the Maven one: provisioning is explicit, and groups settle at once.
  for (const [key, value] of [
    ["auto_create_topics_enabled", "false"],
    ["group_initial_rebalance_delay", "0"]
  ] as const) {
    const result = await container.exec(["rpk", "cluster", "config", "set", key, value])
    if (result.exitCode !== 0) log(`could not set Redpanda ${key}=${value}: ${result.output.trim()}`)
  }
  const brokers = `127.0.0.1:${port}`
  await waitForBroker(brokers, performance.now() + 30_000, () => "Redpanda container started but its Kafka API does not answer")
  return {
    brokers,
    source: "testcontainers",
    cleanup: (runId) => deleteRunTopics(brokers, runId),
    stop: async () => {
      await container.stop()
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Apache Kafka from Maven Central jars, run with the machine's Java.

const works = (command: string, args: ReadonlyArray<string>): boolean => {
  const result = spawnSync(command, args, { stdio: "ignore", timeout: 30_000 })
  return result.error === undefined && result.status === 0
}

const cacheDir = (): string => join(process.env.KASA_CACHE_DIR ?? join(homedir(), ".cache", "kasa"), `kafka-${KAFKA_VERSION}`)

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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const pidAlive = (pid: number): boolean => {
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
const ensureJars = async (): Promise<{ readonly libs: string; readonly fetched: boolean }> => {
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

const run = (command: string, args: ReadonlyArray<string>): Promise<{ readonly code: number; readonly output: string }> =>
  new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    child.stdout.on("data", (chunk) => (output += chunk))
    child.stderr.on("data", (chunk) => (output += chunk))
    child.on("error", (error) => resolve({ code: -1, output: String(error) }))
    child.on("close", (code) => resolve({ code: code ?? -1, output }))
  })

/** Alive and not a zombie (an orphan may wait to be reaped after it exited). */
const alive = (pid: number): boolean => {
  if (!pidAlive(pid)) return false
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z"
  } catch {
    return existsSync("/proc/self") ? false : true
  }
}

/**
 * Starts `java args` in its own session through a launcher shell that exits at once, and returns the
 * JVM's pid. Not being a child of the test runner matters: when one test times out, Bun 1.4.x kills
 * every process the test file spawned (oven-sh/bun#38774), and the broker is shared by the whole run.
 * A small watchdog in the same session stops the broker and removes its folder if the runner dies
 * without running its exit hooks (SIGKILL, a crash).
 */
const launchDetached = (args: ReadonlyArray<string>, home: string, logFile: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const script = [
      // Zombies count as gone: an orphaned JVM may wait a while to be reaped by init.
      'running() { if [ -d /proc/self ]; then s=$(sed -n "s/^State:[[:space:]]*\\(.\\).*/\\1/p" "/proc/$1/status" 2>/dev/null); [ -n "$s" ] && [ "$s" != Z ]; else kill -0 "$1" 2>/dev/null; fi; }',
      'java "$@" >>"$KASA_BROKER_LOG" 2>&1 </dev/null &',
      "j=$!",
      'echo "$j"',
      "(",
      '  while running "$KASA_RUNNER_PID" && running "$j"; do sleep 1; done',
      '  if ! running "$KASA_RUNNER_PID"; then',
      '    if running "$j"; then',
      '      kill -TERM "$j" 2>/dev/null; i=0',
      '      while running "$j" && [ "$i" -lt 20 ]; do sleep 1; i=$((i + 1)); done',
      '      if running "$j"; then kill -KILL "$j" 2>/dev/null; fi',
      "    fi",
      '    rm -rf "$KASA_BROKER_HOME"',
      "  fi",
      ") </dev/null >/dev/null 2>&1 &"
    ].join("\n")
    const launcher = spawn("sh", ["-c", script, "sh", ...args], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, KASA_BROKER_HOME: home, KASA_BROKER_LOG: logFile, KASA_RUNNER_PID: String(process.pid) }
    })
    let output = ""
    launcher.stdout.on("data", (chunk) => (output += chunk))
    launcher.stderr.on("data", (chunk) => (output += chunk))
    launcher.on("error", reject)
    launcher.on("close", () => {
      const pid = Number(output.trim().split("\n")[0])
      if (Number.isInteger(pid) && pid > 0) resolve(pid)
      else reject(new Error(`could not start java: ${output.trim() || "no pid reported"}`))
    })
  })

/** Kafka's cluster ids are 16 random bytes in URL-safe base64 that never start with '-'. */
const clusterId = (): string => {
  for (;;) {
    const id = randomBytes(16).toString("base64url")
    if (!id.startsWith("-")) return id
  }
}

const serverProperties = (port: number, controllerPort: number, dataDir: string): string =>
  [
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    "controller.listener.names=CONTROLLER",
    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "inter.broker.listener.name=PLAINTEXT",
    `log.dirs=${dataDir}`,
    "num.partitions=1",
    "offsets.topic.replication.factor=1",
    "offsets.topic.min.isr=1",
    "offsets.topic.num.partitions=10",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "share.coordinator.state.topic.replication.factor=1",
    "share.coordinator.state.topic.min.isr=1",
    "group.initial.rebalance.delay.ms=0",
    "auto.create.topics.enable=false",
    ""
  ].join("\n")

const log4j = `status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.state.name = state.change.logger
logger.state.level = WARN
`

const tail = (file: string, bytes = 4_000): string => {
  try {
    const size = statSync(file).size
    const fd = openSync(file, "r")
    try {
      const length = Math.min(size, bytes)
      const buffer = Buffer.alloc(length)
      readSync(fd, buffer, 0, length, size - length)
      return buffer.toString("utf8")
    } finally {
      closeSync(fd)
    }
  } catch {
    return "(no broker log)"
  }
}

const startFromMavenJars = async (): Promise<{ readonly kafka: RunningKafka; readonly fetched: boolean }> => {
  const missing: Array<string> = []
  const javaOk = works("java", ["-version"])
  if (!javaOk) missing.push("a working `java` (Java 17 or newer) on PATH")
  const cached = existsSync(join(cacheDir(), "libs", `kafka_2.13-${KAFKA_VERSION}.jar`))
  if (!cached && !works("mvn", ["-v"])) missing.push(`a working \`mvn\` (Maven, with Maven Central reachable) on PATH to fetch the Kafka ${KAFKA_VERSION} jars into ${cacheDir()}`)
  if (missing.length > 0) {
    throw new Error(
      `Cannot provide a Kafka broker for the tests: KAFKA_BROKERS is not set, no container runtime answers ` +
        `(${containerSockets().join(", ")}), and starting Kafka from its Maven Central jars needs ${missing.join(" and ")}.`
    )
  }
  const { libs, fetched } = await ensureJars()
  const home = mkdtempSync(join(tmpdir(), "kasa-kafka-"))
  const [port, controllerPort] = await Promise.all([freePort(), freePort()])
  const properties = join(home, "server.properties")
  const logFile = join(home, "broker.log")
  writeFileSync(properties, serverProperties(port, controllerPort, join(home, "data")))
  writeFileSync(join(home, "log4j2.properties"), log4j)
  const classpath = `${libs}/*`
  const logConfig = `-Dlog4j2.configurationFile=${join(home, "log4j2.properties")}`
  const format = await run("java", ["-XX:TieredStopAtLevel=1", logConfig, "-cp", classpath, "kafka.tools.StorageTool", "format", "-t", clusterId(), "-c", properties])
  if (format.code !== 0) {
    rmSync(home, { recursive: true, force: true })
    throw new Error(`Formatting the Kafka storage failed (exit ${format.code}):\n${format.output.slice(-4_000)}`)
  }
  const pid = await launchDetached(
    ["-Xms256m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", logConfig, "-cp", classpath, "kafka.Kafka", properties],
    home,
    logFile
  )
  // If the run ends abruptly, do not leave a 350 MB JVM behind: kill it synchronously on exit.
  const onExit = () => {
    if (alive(pid)) {
      try {
        process.kill(pid, "SIGKILL")
      } catch {}
    }
    try {
      rmSync(home, { recursive: true, force: true })
    } catch {}
  }
  process.on("exit", onExit)
  const brokers = `127.0.0.1:${port}`
  try {
    await waitForBroker(
      brokers,
      performance.now() + STARTUP_DEADLINE_MS,
      () => `Broker log (${logFile}) ends with:\n${tail(logFile)}`,
      () => (alive(pid) ? undefined : `Kafka broker failed to start: the broker exited. Broker log ends with:\n${tail(logFile)}`)
    )
  } catch (error) {
    onExit()
    process.removeListener("exit", onExit)
    throw error
  }
  let stopping: Promise<void> | undefined
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (alive(pid)) {
        process.kill(pid, "SIGTERM")
        const deadline = Date.now() + 20_000
        while (alive(pid) && Date.now() < deadline) await sleep(50)
        if (alive(pid)) process.kill(pid, "SIGKILL")
      }
      process.removeListener("exit", onExit)
      rmSync(home, { recursive: true, force: true })
    })())
  return { kafka: { brokers, source: "maven-jars", cleanup: (runId) => deleteRunTopics(brokers, runId), stop }, fetched }
}
