-- The summary line every wrk script in load/ prints at the end, parsed by the bench-*.sh scripts
-- (load/lib.sh: bench_value). A script loads it with
--   dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "summary.lua")
-- which finds this file next to the script whatever wrk's working directory is (wrk names a
-- script's chunk "@" .. the path given to -s).
--
-- Output, one line:
--   BENCH requests=N duration_us=N rps=F p50_us=N p90_us=N p99_us=N p999_us=N max_us=N
--         non2xx=N connect=N read=N write=N timeout=N
-- non2xx is wrk's errors.status: responses with a status >= 400 (what wrk prints as
-- "Non-2xx or 3xx responses"); connect/read/write/timeout are socket errors.

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d " ..
    "non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
