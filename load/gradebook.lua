-- wrk script for load/bench-gradebook.sh: walks GET /api/v1/courses/{id}/gradebook page after page.
-- Each wrk thread keeps the cursor of the last reply it read and asks for the page after it; after
-- the last page it starts again from the first. With several connections per thread the pages are
-- interleaved, so every page of the course is read about as often as the others.
--
-- Arguments (after --): the gradebook path with ?limit=, e.g. /api/v1/courses/ID/gradebook?limit=100
-- Output: the BENCH summary line of summary.lua.

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "summary.lua")  -- done(): the BENCH line

local base
local cursor

function init(args)
  base = args[1]
end

function request()
  local path = base
  if cursor then
    path = path .. "&cursor=" .. cursor
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status == 200 then
    cursor = body:match('"nextCursor":"([^"]+)"')
  else
    cursor = nil
  end
end
