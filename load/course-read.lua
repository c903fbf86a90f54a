-- wrk script for load/bench-course-read.sh: GET /api/v1/courses/{id} with a bearer token.
-- The script sets path and headers on the command line (wrk URL, -H); this file only adds a
-- machine-readable summary at the end. It defines no request()/response() callbacks, so wrk keeps
-- its fast path (a response() callback would make wrk parse every reply in Lua).
--
-- Output: the BENCH summary line of summary.lua, parsed by the shell script.

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "summary.lua")  -- done(): the BENCH line
