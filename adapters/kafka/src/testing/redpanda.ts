/**
 * Redpanda through testcontainers, the test broker's path when a container runtime is there. The
 * runtime is only used when one answers a ping on its socket, so a machine without one pays nothing
 * (no testcontainers import, no timeouts); the socket list also names what was tried when nothing
 * works. The container gets the same broker settings as the Maven one.
 */
import { existsSync } from "node:fs"
import { connect } from "node:net"
import { homedir } from "node:os"
import { join } from "node:path"
import type { RunningKafka } from "./running-kafka.ts"
import { deleteRunTopics, freePort, log, STARTUP_DEADLINE_MS, waitForBroker } from "./broker-support.ts"

const REDPANDA_IMAGE = "docker.redpanda.com/redpandadata/redpanda:v24.2.7"

export const containerSockets = (): ReadonlyArray<string> => {
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
export const containerRuntime = async (): Promise<string | undefined> => {
  for (const path of containerSockets()) {
    if (existsSync(path) && (await pingSocket(path))) return path
  }
  return undefined
}

export const startRedpanda = async (): Promise<RunningKafka> => {
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
