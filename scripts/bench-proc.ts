/**
 * What the benchmarks read of a process from /proc and how they summarize latencies, once: the CPU a
 * process has spent (utime + stime), its resident memory, and a percentile of sorted samples.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs"

const CLOCK_TICKS_PER_SECOND = 100

/**
 * A process's or a thread's name and the milliseconds of CPU it has spent, from a `stat` file of /proc
 * (utime and stime are fields 14 and 15, 12 and 13 after "pid (comm) "; the name may hold ") ").
 */
const statTicks = (path: string): { readonly comm: string; readonly ms: number } => {
  const text = readFileSync(path, "utf8")
  const fields = text.slice(text.lastIndexOf(") ") + 2).split(" ")
  return { comm: text.slice(text.indexOf("(") + 1, text.lastIndexOf(")")), ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND }
}

/** Milliseconds of CPU the process has spent, all its threads (utime + stime from /proc/<pid>/stat). */
export const cpuMs = (pid: number): number => statTicks(`/proc/${pid}/stat`).ms

/** The process's resident memory in MB (VmRSS from /proc/<pid>/status). */
export const rssMb = (pid: number): number => {
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN)
  return Math.round(kb / 1024)
}

/** The p-th percentile of ascending samples (NaN when there are none). */
export const percentile = (sorted: ReadonlyArray<number>, p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN

/**
 * Milliseconds of CPU each thread of a process has spent, by role: `request` is the main thread (its
 * id is the process's), `background` the app's background thread (a Bun worker thread is named
 * "Worker"), `runtime` every other thread (the JIT's, the garbage collector's, the allocator's).
 */
export const threadCpuMs = (pid: number): { readonly request: number; readonly background: number; readonly runtime: number } => {
  let request = 0
  let background = 0
  let runtime = 0
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: { readonly comm: string; readonly ms: number }
    try {
      stat = statTicks(`/proc/${pid}/task/${tid}/stat`)
    } catch {
      continue // the thread ended between the listing and the read
    }
    if (Number(tid) === pid) request += stat.ms
    else if (stat.comm === "Worker") background += stat.ms
    else runtime += stat.ms
  }
  return { request, background, runtime }
}

/**
 * The pid of the local process listening on TCP `port` (from /proc/net/tcp and the processes' open
 * sockets), undefined if none is found or it is not this machine's (e.g. a broker elsewhere).
 */
export const listenerPid = (port: number): number | undefined => {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0")
  const inodes = new Set<string>()
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string
    try {
      text = readFileSync(table, "utf8")
    } catch {
      continue
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/)
      // local_address is "ADDR:PORT"; state 0A is LISTEN; the inode is the tenth field.
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === "0A" && fields[9] !== undefined) inodes.add(fields[9])
    }
  }
  if (inodes.size === 0) return undefined
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    let fds: Array<string>
    try {
      fds = readdirSync(`/proc/${entry}/fd`)
    } catch {
      continue
    }
    for (const fd of fds) {
      try {
        const link = readlinkSync(`/proc/${entry}/fd/${fd}`)
        if (link.startsWith("socket:[") && inodes.has(link.slice(8, -1))) return Number(entry)
      } catch {
        // the fd closed meanwhile
      }
    }
  }
  return undefined
}
