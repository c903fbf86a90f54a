-- wrk script for load/bench-answers.sh: GET /api/v1/me/progress as many students.
--
--   wrk ... -s progress.lua http://host:port -- TOKENS_FILE
--
-- Each request carries the next student's token (threads start at different students).
-- Output: the BENCH summary line of summary.lua.

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

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "summary.lua")  -- done(): the BENCH line
