/**
 * What the benchmarks read of a process from /proc and how they summarize latencies, once: the CPU a
 * process has spent (utime + stime), its resident memory, and a percentile of sorted samples.
 */
import { readFileSync } from "node:fs"

const CLOCK_TICKS_PER_SECOND = 100

/** Milliseconds of CPU the process has spent, all its threads (utime + stime from /proc/<pid>/stat). */
export const cpuMs = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after "pid (comm) ".
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND
}

/** The process's resident memory in MB (VmRSS from /proc/<pid>/status). */
export const rssMb = (pid: number): number => {
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN)
  return Math.round(kb / 1024)
}

/** The p-th percentile of ascending samples (NaN when there are none). */
export const percentile = (sorted: ReadonlyArray<number>, p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
