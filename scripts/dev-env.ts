/**
 * The environment `npm run dev` gives the embedded shop beyond the caller's (the JavaScriptCore heap
 * sizing its script sets), read from package.json, so a bench starts the shop as a user does.
 */
export const devEnv = async (checkout: string): Promise<Record<string, string>> => {
  const dev = ((await Bun.file(`${checkout}/package.json`).json()) as { scripts: { dev: string } }).scripts.dev
  const ramSize = process.env.BUN_JSC_forceRAMSize ?? /BUN_JSC_forceRAMSize=\$\{BUN_JSC_forceRAMSize:-(\d+)\}/.exec(dev)?.[1]
  return ramSize === undefined ? {} : { BUN_JSC_forceRAMSize: ramSize }
}
