-- wrk script: POST /cart/items as many shoppers. Every request goes to a session of its own thread's
-- pool, round robin; the pool has several sessions per connection, so two requests in flight at once
-- almost never share a cart (a shared cart would turn the benchmark into a write-conflict test: the
-- cart retries a conflicting write, then answers 409). Each session gets 20 adds, cycling through
-- BENCH_OFFERS (well under the 50-line and 99-unit limits), and is then replaced by a fresh one.
-- Sessions are tokens the app under test accepts, one per line in the file BENCH_SESSIONS (the bench
-- signs them with the app's secret); thread k of n takes lines k, k+n, k+2n, ... so no two threads
-- share one (a thread that runs out starts over on its own lines: those carts just get more adds).
--
-- wrk calls setup() once per thread in the main Lua state, then init/request/response in each
-- thread's own state; `wrk -- <connections per thread> <threads>` sizes the pool (default 64 sessions).
local ADDS_PER_SESSION = 20
local SESSIONS_PER_CONNECTION = 4

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

local offers = {}
local tokens = {}
local pool = {}
local created = 0
local next_slot = 0
local errors = 0

local function new_session()
  created = created + 1
  return { id = tokens[((created - 1) % #tokens) + 1], adds = 0 }
end

function init(args)
  for offer in string.gmatch(os.getenv("BENCH_OFFERS") or "", "[^,]+") do offers[#offers + 1] = offer end
  if #offers == 0 then error("BENCH_OFFERS must list offer ids") end
  local threads_total = tonumber(args[2] or "") or 1
  local line = 0
  for token in io.lines(os.getenv("BENCH_SESSIONS") or error("BENCH_SESSIONS must name a file of session tokens")) do
    if line % threads_total == (thread_id - 1) % threads_total then tokens[#tokens + 1] = token end
    line = line + 1
  end
  if #tokens == 0 then error("BENCH_SESSIONS holds no session tokens for this thread") end
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
