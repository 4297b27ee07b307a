/**
 * The Redis commit as one Lua script: processed markers and preconditions are checked and, only if no
 * marker is set yet and every precondition holds, the state operations, outbox entries and markers
 * are applied, all in one atomic step that no other
 * client can interleave with (MULTI cannot check a value before writing; WATCH needs a connection per
 * writer). A marker already set means another member (one that briefly held the same offsets) or an
 * earlier attempt applied the message: the script answers 1 and applies nothing. Otherwise it answers
 * the key of the first failed precondition, or '' when it applied the write. The write travels as one
 * JSON argument; every key it touches is declared in KEYS.
 */
import type { AtomicWrite } from "@kasa/shared"
import { encodeOutboxEvent } from "./outbox-stream.ts"

export const COMMIT_SCRIPT = `
local w = cjson.decode(ARGV[1])
for _, m in ipairs(w.m) do
  if redis.call('EXISTS', m) == 1 then return 1 end
end
for _, c in ipairs(w.x) do
  local current = redis.call('GET', c[1])
  if c[2] == 0 then
    if current then return c[1] end
  elseif current ~= c[3] then
    return c[1]
  end
end
for _, o in ipairs(w.o) do
  local kind, key = o[1], o[2]
  if kind == 's' then
    if o[4] then redis.call('SET', key, o[3], 'PX', o[4]) else redis.call('SET', key, o[3]) end
  elseif kind == 'd' then
    redis.call('DEL', key)
  elseif kind == 'a' then
    if o[4] > 0 then redis.call('XADD', key, 'MAXLEN', '~', o[4], '*', unpack(o[3])) else redis.call('XADD', key, '*', unpack(o[3])) end
    if o[5] > 0 then redis.call('PEXPIRE', key, o[5]) end
  elseif kind == 'i' then
    redis.call('INCRBY', key, o[3])
    if o[4] > 0 then redis.call('PEXPIRE', key, o[4]) end
  end
end
for _, e in ipairs(w.e) do redis.call('XADD', w.q, '*', unpack(e)) end
for _, m in ipairs(w.m) do redis.call('SET', m, '1', 'PX', w.t) end
return ''
`

/** A lifetime in whole milliseconds, at least one (0 = keep the key's lifetime as it is). */
const ttlMs = (ttlSeconds: number | undefined): number => (ttlSeconds === undefined ? 0 : Math.max(1, Math.round(ttlSeconds * 1000)))

const flatten = (fields: Readonly<Record<string, string>>): Array<string> => {
  const out: Array<string> = []
  for (const name in fields) out.push(name, fields[name]!)
  return out
}

/** The script's KEYS and its one argument; keys come out prefixed by `key`. */
export const encodeCommit = (
  write: AtomicWrite,
  key: (k: string) => string,
  outbox: string,
  processedKey: (group: string, eventId: string) => string,
  markerLifetimeMs: number
): { readonly keys: Array<string>; readonly argument: string } => {
  const keys: Array<string> = []
  const x = (write.expect ?? []).map((c) => {
    const k = key(c.key)
    keys.push(k)
    return c.value === undefined ? [k, 0] : [k, 1, c.value]
  })
  const o: Array<unknown> = []
  for (const op of write.ops ?? []) {
    const k = key(op.key)
    keys.push(k)
    switch (op.op) {
      case "set":
        if (op.ttlSeconds === undefined) o.push(["s", k, op.value])
        else if (op.ttlSeconds > 0) o.push(["s", k, op.value, ttlMs(op.ttlSeconds)])
        else o.push(["d", k]) // already expired: what a reader would see anyway
        break
      case "delete":
        o.push(["d", k])
        break
      case "append":
        o.push(["a", k, flatten(op.fields), op.maxLength ?? 0, ttlMs(op.ttlSeconds)])
        break
      case "incrementBy":
        o.push(["i", k, op.by, ttlMs(op.ttlSeconds)])
        break
    }
  }
  const e = (write.events ?? []).map((event) => flatten(encodeOutboxEvent(event)))
  if (e.length > 0) keys.push(outbox)
  const m = (write.processed ?? []).map((marker) => processedKey(marker.group, marker.eventId))
  keys.push(...m)
  const json = JSON.stringify({ x, o, e, q: outbox, m, t: markerLifetimeMs })
  return { keys, argument: json }
}
