-- wrk script for load/bench-ai-stream.sh: streamed chats, each with a prompt of its own (no cache
-- hits), either through learngrid (MODE=proxy: POST /api/v1/ai/chat, bearer token from TOKEN) or
-- straight at the AI simulator (MODE=direct: POST /v1/chat/completions), so that the two latency
-- distributions can be compared. wrk's latency of a streamed reply is the time to its last byte.
--
-- Output: the BENCH summary line of summary.lua.

local mode = os.getenv("MODE") or "proxy"
-- Independent users do not start their chats in the same millisecond: each connection waits a
-- random part of one stream's length (SPREAD_MS) before its first request, so that stream starts,
-- and the tokens of all streams, are spread evenly in time instead of arriving in waves.
local spread_ms = tonumber(os.getenv("SPREAD_MS") or "0")
local first_requests = math.ceil(tonumber(os.getenv("CONNECTIONS") or "0") / tonumber(os.getenv("THREADS") or "1"))
local token = os.getenv("TOKEN") or ""
local counter = 0
-- setup() runs in the main Lua state and hands each thread its number as the global `thread_number`
-- (a local here would be a separate copy per thread, the same in all of them).
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  math.randomseed(os.time() + thread_number)
end

function delay()
  if first_requests > 0 and spread_ms > 0 then
    first_requests = first_requests - 1
    return math.random(0, spread_ms)
  end
  return 0
end

function request()
  counter = counter + 1
  local prompt = string.format("Explain photosynthesis, variant %d-%d-%d", thread_number, counter, os.time())
  local body = '{"messages":[{"role":"user","content":"' .. prompt .. '"}],"stream":true}'
  local headers = { ["Content-Type"] = "application/json" }
  if mode == "proxy" then
    headers["Authorization"] = "Bearer " .. token
    return wrk.format("POST", "/api/v1/ai/chat", headers, body)
  end
  return wrk.format("POST", "/v1/chat/completions", headers, body)
end

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "summary.lua")  -- done(): the BENCH line
