/**
 * The environment a bench gives an app beyond the caller's, read from the checkout measured, so a
 * bench starts the shop as a user does: `npm run dev`'s for the embedded shop (the JavaScriptCore heap
 * sizing its script sets, from package.json), and the image's for a distributed app (the `ENV` lines of
 * the Dockerfile every app's container is built from).
 */
export const devEnv = async (checkout: string): Promise<Record<string, string>> => {
  const dev = ((await Bun.file(`${checkout}/package.json`).json()) as { scripts: { dev: string } }).scripts.dev
  const ramSize = process.env.BUN_JSC_forceRAMSize ?? /BUN_JSC_forceRAMSize=\$\{BUN_JSC_forceRAMSize:-(\d+)\}/.exec(dev)?.[1]
  return ramSize === undefined ? {} : { BUN_JSC_forceRAMSize: ramSize }
}

/**
 * The variables the Dockerfile's `ENV` lines set (`ENV NAME=VALUE ...` or `ENV NAME VALUE`); none when
 * the checkout has no Dockerfile. A variable the caller has set wins, as `docker run -e` would.
 */
export const imageEnv = async (checkout: string): Promise<Record<string, string>> => {
  const file = Bun.file(`${checkout}/Dockerfile`)
  if (!(await file.exists())) return {}
  const env: Record<string, string> = {}
  for (const line of (await file.text()).split("\n")) {
    const match = /^\s*ENV\s+(.+)$/.exec(line)
    if (match === null) continue
    const rest = match[1]!.trim()
    const pairs = /^[A-Za-z_]\w*=/.test(rest)
      ? [...rest.matchAll(/([A-Za-z_]\w*)=("[^"]*"|\S*)/g)].map((pair) => [pair[1]!, pair[2]!.replace(/^"(.*)"$/, "$1")] as const)
      : [[rest.split(/\s+/)[0]!, rest.split(/\s+/).slice(1).join(" ")] as const]
    for (const [name, value] of pairs) if (process.env[name] === undefined) env[name] = value
  }
  return env
}
