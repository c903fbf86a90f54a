-- wrk script for load/bench-ai-usage.sh: GET /api/v1/admin/ai/usage, each request the next of a
-- list of queries (one groupBy over ranges of different lengths), so every range is read about as
-- often as the others.
--
-- Arguments (after --): the query strings, e.g. "from=2026-12-04&to=2026-12-04&groupBy=user" ...
-- Output: the BENCH summary line of summary.lua.

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "summary.lua")  -- done(): the BENCH line

local paths = {}
local next_path = 0

function init(args)
  for i = 1, #args do
    paths[#paths + 1] = wrk.format("GET", "/api/v1/admin/ai/usage?" .. args[i])
  end
  -- Threads start at different places in the list.
  next_path = math.random(#paths) - 1
end

function request()
  next_path = next_path % #paths + 1
  return paths[next_path]
end
