-- wrk script for load/bench-answers.sh: GET /api/v1/me/progress as many students.
--
--   wrk ... -s progress.lua http://host:port -- TOKENS_FILE
--
-- Each request carries the next student's token (threads start at different students).
-- Output: the same BENCH line as answers.lua.

local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

local tokens = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then tokens[#tokens + 1] = "Bearer " .. line end
  end
  counter = math.floor(#tokens * id / 16)
end

function request()
  counter = counter + 1
  return wrk.format("GET", "/api/v1/me/progress", { ["Authorization"] = tokens[counter % #tokens + 1] })
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d " ..
    "non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
