-- wrk script for load/bench-mixed-read.sh: a mixed read plan over many students and courses.
-- PLAN (environment) names a file with one line per (student, course):
--   accessToken courseId assignmentId questionId
-- Each request picks a line at random and then, by weight (MIX below): 40 % the course, 25 % the assignment,
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

-- MIX (environment, optional) sets the weights, e.g. "course:35,assignment:35,progress:20,answer:10"
-- (load/bench-mix.sh); kinds: course, assignment, me, progress, answer. Default: the plan above.
local mix = {}
for kind, weight in (os.getenv("MIX") or "course:40,assignment:25,me:15,progress:10,answer:10"):gmatch("(%a+):(%d+)") do
  mix[#mix + 1] = {kind = kind, weight = tonumber(weight)}
end
local total = 0
for _, m in ipairs(mix) do total = total + m.weight end
if total == 0 then error("MIX has no weights: " .. tostring(os.getenv("MIX"))) end

local function pick()
  local roll = math.random() * total
  for _, m in ipairs(mix) do
    roll = roll - m.weight
    if roll < 0 then return m.kind end
  end
  return mix[#mix].kind
end

function request()
  local p = plan[math.random(#plan)]
  local headers = {["Authorization"] = p.auth}
  local kind = pick()
  if kind == "course" then
    return wrk.format("GET", "/api/v1/courses/" .. p.course, headers)
  elseif kind == "assignment" then
    return wrk.format("GET", "/api/v1/assignments/" .. p.assignment, headers)
  elseif kind == "me" then
    return wrk.format("GET", "/api/v1/me", headers)
  elseif kind == "progress" then
    return wrk.format("GET", "/api/v1/me/progress", headers)
  elseif kind == "answer" then
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", "/api/v1/assignments/" .. p.assignment .. "/answers", headers,
      '{"questionId":"' .. p.question .. '","answer":' .. math.random(0, 3) .. '}')
  end
  error("unknown kind in MIX: " .. kind)
end

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "summary.lua")  -- done(): the BENCH line
