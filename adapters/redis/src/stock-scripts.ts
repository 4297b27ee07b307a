/**
 * The catalog's stock operations as Lua scripts, one per operation, each one atomic step no other
 * client can interleave with. Reserve checks every line against its counter and either takes them
 * all or reports what each has (the caller names the short lines), then writes the reservation, its
 * deadline in the expiry set and its outbox entry. Transition (commit, release) applies a decision
 * the caller made from the record it read, only if that record is still what it read (compare and
 * set), returning units and removing the deadline with the outbox entry. Seed is SET NX per counter.
 *
 * A transition settles the reservation (committed or released): its record is kept `ttl` ms, then forgotten.
 *
 * Reserve: KEYS = reservation, deadlines, outbox, then one stock key per line; ARGV = record, deadline
 * ms, order id, n, n quantities, then the outbox entry's fields. Transition: the same KEYS; ARGV =
 * expected record, next record, order id, n, n quantities, ttl ms, then the outbox entry's fields.
 */

export const RESERVE_SCRIPT = `
local existing = redis.call('GET', KEYS[1])
if existing then return {'exists', existing} end
local n = tonumber(ARGV[4])
local have = {}
local short = false
for i = 1, n do
  local h = tonumber(redis.call('GET', KEYS[3 + i]) or '0')
  have[i] = tostring(h)
  if h < tonumber(ARGV[4 + i]) then short = true end
end
if short then return {'short', unpack(have)} end
for i = 1, n do redis.call('DECRBY', KEYS[3 + i], ARGV[4 + i]) end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('XADD', KEYS[3], '*', unpack(ARGV, 5 + n))
return {'ok'}
`

export const TRANSITION_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 'conflict' end
local n = tonumber(ARGV[4])
for i = 1, n do redis.call('INCRBY', KEYS[3 + i], ARGV[4 + i]) end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[5 + n])
redis.call('ZREM', KEYS[2], ARGV[3])
redis.call('XADD', KEYS[3], '*', unpack(ARGV, 6 + n))
return 'ok'
`

/** KEYS = stock counters, ARGV = their initial levels; returns the 1-based positions it set. */
export const SEED_SCRIPT = `
local set = {}
for i, key in ipairs(KEYS) do
  if redis.call('SET', key, ARGV[i], 'NX') then set[#set + 1] = tostring(i) end
end
return set
`

export const flattenFields = (fields: Readonly<Record<string, string>>): Array<string> => {
  const out: Array<string> = []
  for (const name in fields) out.push(name, fields[name]!)
  return out
}
