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
-- Output: the BENCH summary line of summary.lua, parsed by the shell script.

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

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "summary.lua")  -- done(): the BENCH line
