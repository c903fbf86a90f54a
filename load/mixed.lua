-- wrk script for load/bench-scaling.sh: the mixed scenario of load/mixed.py, from its --setup-only files.
--
--   wrk ... -s load/mixed.lua http://host:port -- SETUP_DIR [READ_RATIO] [RUN]
--
-- SETUP_DIR holds course.txt, assignment.txt, tokens.txt (enrolled students), questions.tsv
-- ("id<TAB>right answer"). READ_RATIO (default 0.7) of the requests are reads (the course, the
-- assignment, the student's progress, in equal parts); the others submit an answer (right or wrong
-- at random) with an Idempotency-Key unique to RUN, thread and request.
-- Output, one line: BENCH requests=N duration_us=N rps=F p50_us=N p90_us=N p99_us=N max_us=N
--                   non2xx=N connect=N read=N write=N timeout=N

local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

local tokens, questions = {}, {}
local course, assignment, ratio, run
local counter = 0

local function first_line(path)
  for line in io.lines(path) do return line end
end

function init(args)
  local dir = args[1]
  course = first_line(dir .. "/course.txt")
  assignment = first_line(dir .. "/assignment.txt")
  for line in io.lines(dir .. "/tokens.txt") do
    if #line > 0 then tokens[#tokens + 1] = "Bearer " .. line end
  end
  for line in io.lines(dir .. "/questions.tsv") do
    local qid, right = line:match("^([^\t]+)\t([^\t]+)$")
    if qid then questions[#questions + 1] = { qid, tonumber(right) } end
  end
  ratio = tonumber(args[2] or "0.7")
  run = args[3] or tostring(os.time())
  math.randomseed(1000 + id)
end

function request()
  counter = counter + 1
  local token = tokens[math.random(#tokens)]
  if math.random() < ratio then
    local pick = math.random(3)
    local path = pick == 1 and ("/api/v1/courses/" .. course)
      or pick == 2 and ("/api/v1/assignments/" .. assignment)
      or "/api/v1/me/progress"
    return wrk.format("GET", path, { ["Authorization"] = token })
  end
  local q = questions[math.random(#questions)]
  local answer = (math.random() < 0.6) and q[2] or (q[2] + 1)
  return wrk.format("POST", "/api/v1/assignments/" .. assignment .. "/answers", {
    ["Authorization"] = token, ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "scaling-" .. run .. "-" .. id .. "-" .. counter },
    '{"questionId":"' .. q[1] .. '","answer":' .. answer .. '}')
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
