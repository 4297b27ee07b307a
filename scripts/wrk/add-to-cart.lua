-- wrk script: POST /cart/items as many shoppers. Every request goes to a session of its own thread's
-- pool, round robin; the pool has several sessions per connection, so two requests in flight at once
-- almost never share a cart (a shared cart would turn the benchmark into a write-conflict test: the
-- cart retries a conflicting write, then answers 409). Each session gets 20 adds, cycling through
-- BENCH_OFFERS (well under the 50-line and 99-unit limits), and is then replaced by a fresh one.
-- Session ids are well-formed (sess_ + letters and digits) and unique across threads: each carries
-- its thread's number and a counter besides random characters.
--
-- wrk calls setup() once per thread in the main Lua state, then init/request/response in each
-- thread's own state; `wrk -- <connections per thread>` sizes the pool (default 64 sessions).
local chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
local ADDS_PER_SESSION = 20
local SESSIONS_PER_CONNECTION = 4

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

local offers = {}
local pool = {}
local created = 0
local next_slot = 0
local errors = 0

local function random_chars(n)
  local t = {}
  for i = 1, n do
    local k = math.random(1, #chars)
    t[i] = chars:sub(k, k)
  end
  return table.concat(t)
end

local function new_session()
  created = created + 1
  return { id = "sess_" .. random_chars(20) .. "t" .. thread_id .. "n" .. created, adds = 0 }
end

function init(args)
  math.randomseed(os.time() * 1000 + (thread_id or 0) * 7919)
  for offer in string.gmatch(os.getenv("BENCH_OFFERS") or "", "[^,]+") do offers[#offers + 1] = offer end
  if #offers == 0 then error("BENCH_OFFERS must list offer ids") end
  local per_thread = tonumber(args[1] or "") or 16
  for i = 1, math.max(1, per_thread) * SESSIONS_PER_CONNECTION do pool[i] = new_session() end
end

function request()
  next_slot = (next_slot % #pool) + 1
  local session = pool[next_slot]
  if session.adds >= ADDS_PER_SESSION then
    session = new_session()
    pool[next_slot] = session
  end
  session.adds = session.adds + 1
  local offer = offers[((session.adds - 1) % #offers) + 1]
  local body = '{"offer_id":"' .. offer .. '","quantity":1,"type":"offer"}'
  return wrk.format("POST", "/cart/items", { ["Content-Type"] = "application/json", ["X-Session-Id"] = session.id }, body)
end

function response(status, headers, body)
  if status ~= 201 then
    errors = errors + 1
    if errors <= 3 then io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n") end
  end
end
