-- wrk script for load/bench-answers.sh: POST /api/v1/assignments/{id}/answers as many students.
--
--   wrk ... -s answers.lua http://host:port -- TOKENS_FILE QUESTIONS_FILE PATH [KEYS [RUN]]
--
-- TOKENS_FILE: one access token per line (enrolled students). QUESTIONS_FILE: one question per
-- line, "id<TAB>right answer as JSON<TAB>wrong answer as JSON". PATH: the answers path of the
-- assignment. KEYS=1 adds an Idempotency-Key to every request, unique within the run; RUN is a
-- word that makes them unique across runs too (keys are kept: a key used in an earlier run would
-- be answered with that run's stored response, and nothing new would be stored).
-- Each thread walks students and questions from its own starting point and answers right or
-- wrong at random, so every request is a new answer (students retry questions over a long run).
--
-- Output, one line, parsed by the shell script (same format as course-read.lua):
--   BENCH requests=N duration_us=N rps=F p50_us=N p90_us=N p99_us=N p999_us=N max_us=N
--         non2xx=N connect=N read=N write=N timeout=N

local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

local tokens, questions = {}, {}
local path, keys, run
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then tokens[#tokens + 1] = "Bearer " .. line end
  end
  for line in io.lines(args[2]) do
    local qid, right, wrong = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)$")
    if qid then questions[#questions + 1] = { qid, right, wrong } end
  end
  path = args[3]
  keys = args[4] == "1"
  run = args[5] or ""
  math.randomseed(1000 + id)
  counter = math.floor(#tokens * #questions * id / 16)
end

function request()
  counter = counter + 1
  local token = tokens[counter % #tokens + 1]
  local q = questions[math.floor(counter / #tokens) % #questions + 1]
  local answer = (math.random() < 0.5) and q[2] or q[3]
  local headers = { ["Authorization"] = token, ["Content-Type"] = "application/json" }
  if keys then headers["Idempotency-Key"] = "bench-" .. run .. "-" .. id .. "-" .. counter end
  return wrk.format("POST", path, headers, '{"questionId":"' .. q[1] .. '","answer":' .. answer .. '}')
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
