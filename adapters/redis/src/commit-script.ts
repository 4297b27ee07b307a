/**
 * The Redis commit as one Lua script: processed markers and preconditions are checked and, only if no
 * marker is set yet and every precondition holds, the state operations, outbox entries and markers
 * are applied, all in one atomic step that no other
 * client can interleave with (MULTI cannot check a value before writing; WATCH needs a connection per
 * writer). A marker already set means another member (one that briefly held the same offsets) or an
 * earlier attempt applied the message: the script answers 1 and applies nothing. Otherwise it answers
 * the key of the first failed precondition, or '' when it applied the write. Every key the write
 * touches is declared in KEYS (preconditions, operations, the outbox, markers, in that order); ARGV
 * holds the counts, the markers' lifetime, then each precondition's, operation's and event's
 * arguments in the same order, every value as an argument of its own.
 */
import type { AtomicWrite } from "@kasa/shared"
import { encodeOutboxEvent } from "./outbox-stream.ts"

export const COMMIT_SCRIPT = `
local nx, no, ne, nm = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local markerTtl = ARGV[5]
local at = 6
local function arg() local v = ARGV[at]; at = at + 1; return v end
local function fields() local n = tonumber(arg()); local f = {}; for j = 1, 2 * n do f[j] = arg() end; return f end
local firstMarker = nx + no + (ne > 0 and 1 or 0) + 1
for i = firstMarker, firstMarker + nm - 1 do
  if redis.call('EXISTS', KEYS[i]) == 1 then return 1 end
end
for i = 1, nx do
  local current = redis.call('GET', KEYS[i])
  if arg() == '0' then
    if current then return KEYS[i] end
  elseif current ~= arg() then
    return KEYS[i]
  end
end
for i = nx + 1, nx + no do
  local key, kind = KEYS[i], arg()
  if kind == 's' then
    local value, ttl = arg(), arg()
    if ttl ~= '0' then redis.call('SET', key, value, 'PX', ttl) else redis.call('SET', key, value) end
  elseif kind == 'd' then
    redis.call('DEL', key)
  elseif kind == 'a' then
    local maxLength, ttl = arg(), arg()
    local f = fields()
    if maxLength ~= '0' then redis.call('XADD', key, 'MAXLEN', '~', maxLength, '*', unpack(f)) else redis.call('XADD', key, '*', unpack(f)) end
    if ttl ~= '0' then redis.call('PEXPIRE', key, ttl) end
  elseif kind == 'i' then
    local by, ttl = arg(), arg()
    redis.call('INCRBY', key, by)
    if ttl ~= '0' then redis.call('PEXPIRE', key, ttl) end
  end
end
for i = 1, ne do redis.call('XADD', KEYS[nx + no + 1], '*', unpack(fields())) end
for i = firstMarker, firstMarker + nm - 1 do redis.call('SET', KEYS[i], '1', 'PX', markerTtl) end
return ''
`

/** A lifetime in whole milliseconds, at least one ("0" = keep the key's lifetime as it is). */
const ttlMs = (ttlSeconds: number | undefined): string => (ttlSeconds === undefined ? "0" : String(Math.max(1, Math.round(ttlSeconds * 1000))))

/** A stream entry's fields as the script reads them: how many, then name and value of each. */
const pushFields = (out: Array<string>, fields: Readonly<Record<string, string>>): void => {
  const at = out.length
  out.push("0")
  let count = 0
  for (const name in fields) {
    out.push(name, fields[name]!)
    count++
  }
  out[at] = String(count)
}

/**
 * The script's KEYS and ARGV; keys come out prefixed by `key`. Values travel as arguments of their
 * own, exactly as they are: no JSON document around them to escape, build and decode again in Redis.
 */
export const encodeCommit = (
  write: AtomicWrite,
  key: (k: string) => string,
  outbox: string,
  processedKey: (group: string, eventId: string) => string,
  markerLifetimeMs: number
): { readonly keys: Array<string>; readonly args: Array<string> } => {
  const expect = write.expect ?? []
  const ops = write.ops ?? []
  const events = write.events ?? []
  const markers = write.processed ?? []
  const keys: Array<string> = []
  const args: Array<string> = [String(expect.length), String(ops.length), String(events.length), String(markers.length), String(markerLifetimeMs)]
  for (const condition of expect) {
    keys.push(key(condition.key))
    if (condition.value === undefined) args.push("0")
    else args.push("1", condition.value)
  }
  for (const op of ops) {
    keys.push(key(op.key))
    switch (op.op) {
      case "set":
        if (op.ttlSeconds === undefined || op.ttlSeconds > 0) args.push("s", op.value, ttlMs(op.ttlSeconds))
        else args.push("d") // already expired: what a reader would see anyway
        break
      case "delete":
        args.push("d")
        break
      case "append":
        args.push("a", String(op.maxLength ?? 0), ttlMs(op.ttlSeconds))
        pushFields(args, op.fields)
        break
      case "incrementBy":
        args.push("i", String(op.by), ttlMs(op.ttlSeconds))
        break
    }
  }
  if (events.length > 0) keys.push(outbox)
  for (const event of events) pushFields(args, encodeOutboxEvent(event))
  for (const marker of markers) keys.push(processedKey(marker.group, marker.eventId))
  return { keys, args }
}
