-- wrk script for load/bench-mixed-read.sh: a mixed read plan over many students and courses.
-- PLAN (environment) names a file with one line per (student, course):
--   accessToken courseId assignmentId questionId
-- Each request picks a line at random and then, by weight: 40 % the course, 25 % the assignment,
-- 15 % GET /me, 10 % GET /me/progress, 10 % an answer to the assignment's first question.
-- PACE_MS (environment, optional) paces each connection: after each response it waits a random
-- 0..2 × PACE_MS ms (PACE_MS on average), so C connections send about C × 1000 / PACE_MS requests/s
-- (load/bench-connections.sh, load/soak.sh). wrk's latencies do not include the wait.
-- Output: the BENCH summary line of summary.lua.

local plan = {}

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(seed or os.time())
  for line in io.lines(os.getenv("PLAN")) do
    local token, course, assignment, question = line:match("(%S+) (%S+) (%S+) (%S+)")
    if token then
      plan[#plan + 1] = {auth = "Bearer " .. token, course = course, assignment = assignment, question = question}
    end
  end
  if #plan == 0 then
    error("no lines in PLAN=" .. tostring(os.getenv("PLAN")))
  end
end

local pace = tonumber(os.getenv("PACE_MS") or "")
if pace then
  function delay()
    return math.random(0, 2 * pace)
  end
end

function request()
  local p = plan[math.random(#plan)]
  local roll = math.random(100)
  local headers = {["Authorization"] = p.auth}
  if roll <= 40 then
    return wrk.format("GET", "/api/v1/courses/" .. p.course, headers)
  elseif roll <= 65 then
    return wrk.format("GET", "/api/v1/assignments/" .. p.assignment, headers)
  elseif roll <= 80 then
    return wrk.format("GET", "/api/v1/me", headers)
  elseif roll <= 90 then
    return wrk.format("GET", "/api/v1/me/progress", headers)
  end
  headers["Content-Type"] = "application/json"
  return wrk.format("POST", "/api/v1/assignments/" .. p.assignment .. "/answers", headers,
    '{"questionId":"' .. p.question .. '","answer":' .. math.random(0, 3) .. '}')
end

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "summary.lua")  -- done(): the BENCH line
