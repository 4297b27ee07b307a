-- wrk script: POST /cart/items as many shoppers. Each connection is its own session (a well-formed
-- session id the server accepts), adding items from a small list of offers and starting a fresh
-- session every 20 adds so carts stay realistic (well under the 50-line and 99-unit limits).
local chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
local offers = {}
local session = nil
local adds = 0

local function new_session()
  local t = {}
  for i = 1, 24 do
    local n = math.random(1, #chars)
    t[i] = chars:sub(n, n)
  end
  return "sess_" .. table.concat(t)
end

function init(args)
  math.randomseed(os.time() + math.random(1, 100000))
  for offer in string.gmatch(os.getenv("BENCH_OFFERS") or "", "[^,]+") do offers[#offers + 1] = offer end
  if #offers == 0 then error("BENCH_OFFERS must list offer ids") end
  session = new_session()
end

function request()
  adds = adds + 1
  if adds > 20 then
    adds = 1
    session = new_session()
  end
  local offer = offers[((adds - 1) % #offers) + 1]
  local body = '{"offer_id":"' .. offer .. '","quantity":1,"type":"offer"}'
  return wrk.format("POST", "/cart/items", { ["Content-Type"] = "application/json", ["X-Session-Id"] = session }, body)
end

local errors = 0
function response(status, headers, body)
  if status ~= 201 then
    errors = errors + 1
    if errors <= 3 then io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n") end
  end
end
