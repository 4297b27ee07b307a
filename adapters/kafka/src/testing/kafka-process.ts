/**
 * Apache Kafka itself as the test broker, KRaft single node, run with the machine's Java from the
 * cached Maven jars: it writes server.properties and a log4j config into a temporary folder, formats
 * the storage, and launches the JVM detached from the test runner with a watchdog that stops it if the
 * runner dies, on free loopback ports. Startup failures quote the tail of the broker log; whatever it
 * starts it stops, also when the run ends abruptly, and it says what is missing when it cannot start.
 */
import { spawn, spawnSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { RunningKafka } from "./running-kafka.ts"
import { deleteRunTopics, freePort, sleep, STARTUP_DEADLINE_MS, waitForBroker } from "./broker-support.ts"
import { cacheDir, ensureJars, KAFKA_VERSION, pidAlive, run } from "./maven-jars.ts"
import { containerSockets } from "./redpanda.ts"

const works = (command: string, args: ReadonlyArray<string>): boolean => {
  const result = spawnSync(command, args, { stdio: "ignore", timeout: 30_000 })
  return result.error === undefined && result.status === 0
}

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

export const startFromMavenJars = async (): Promise<{ readonly kafka: RunningKafka; readonly fetched: boolean }> => {
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
