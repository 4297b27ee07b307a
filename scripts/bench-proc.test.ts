// The benches' readings of /proc (Linux, as the benches are): the CPU split by thread role, the pid behind a
// listening port, and the image's environment they start a distributed app with.
import { describe, expect, test } from "bun:test"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { listenerPid, threadCpuMs } from "./bench-proc.ts"
import { imageEnv } from "./dev-env.ts"

const spin = (ms: number) => {
  const until = performance.now() + ms
  let x = 0
  while (performance.now() < until) x += Math.sqrt(x + 1)
  return x
}

describe("bench-proc", () => {
  test("listenerPid finds the process listening on a port, and nothing on a port no one listens on", async () => {
    const server = Bun.serve({ port: 0, fetch: () => new Response("ok") })
    try {
      expect(listenerPid(server.port!)).toBe(process.pid)
    } finally {
      await server.stop(true)
    }
    expect(listenerPid(server.port!)).toBeUndefined()
  })

  test("threadCpuMs counts the main thread as request and a worker thread as background", async () => {
    const before = threadCpuMs(process.pid)
    spin(300)
    const worker = new Worker(URL.createObjectURL(new Blob([`const until = performance.now() + 300; let x = 0; while (performance.now() < until) x += Math.sqrt(x + 1); postMessage(x)`])))
    await new Promise((resolve) => (worker.onmessage = resolve))
    const after = threadCpuMs(process.pid)
    worker.terminate()
    expect(after.request - before.request).toBeGreaterThanOrEqual(150)
    expect(after.background - before.background).toBeGreaterThanOrEqual(150)
  })
})

describe("imageEnv", () => {
  test("reads the Dockerfile's ENV lines in both forms, the caller's variables winning", async () => {
    const dir = mkdtempSync(`${tmpdir()}/kasa-image-env-`)
    writeFileSync(`${dir}/Dockerfile`, 'FROM x\nENV A=1 B="two words"\n  ENV C 3 and more\nENV HOME=/nowhere\nRUN echo ENV D=4\n')
    expect(await imageEnv(dir)).toEqual({ A: "1", B: "two words", C: "3 and more" })
  })

  test("is empty for a checkout without a Dockerfile", async () => {
    expect(await imageEnv(mkdtempSync(`${tmpdir()}/kasa-image-env-`))).toEqual({})
  })
})
