/**
 * Reading an app's `/metrics` (Prometheus text) the way a scraper would: tests and benchmarks that wait
 * on what consumers did count it there, wherever in the process the consumers run.
 */

/** The sum of a metric's samples whose labels include all of `labels`. */
export const sampleSum = (text: string, metric: string, labels: Readonly<Record<string, string>>): number => {
  let sum = 0
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${metric}{`)) continue
    if (!Object.entries(labels).every(([name, value]) => line.includes(`${name}="${value}"`))) continue
    sum += Number(line.slice(line.lastIndexOf(" ") + 1))
  }
  return sum
}

/** The distinct values of `label` among a metric's samples whose labels include all of `labels`. */
export const labelValues = (text: string, metric: string, label: string, labels: Readonly<Record<string, string>>): ReadonlyArray<string> => {
  const values = new Set<string>()
  const pattern = new RegExp(`[{,]${label}="([^"]*)"`)
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${metric}{`)) continue
    if (!Object.entries(labels).every(([name, value]) => line.includes(`${name}="${value}"`))) continue
    const found = pattern.exec(line)
    if (found !== null) values.add(found[1]!)
  }
  return [...values]
}
