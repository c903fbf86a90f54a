#!/usr/bin/env bash
# Benchmark: the cached read GET /api/v1/courses/{id} on one dev node (see load/README.md).
#
#   load/bench-course-read.sh                      # 30 s at 64 connections, 2 wrk threads
#   DURATION=60 CONNECTIONS=128 load/bench-course-read.sh
#   NEAR_CACHE=off load/bench-course-read.sh       # every read goes to Redis (no near cache)
#
# Starts `learngrid.jar dev` on free loopback ports with a fresh temp data dir and the access log
# off, logs in as the demo teacher, creates one course, reads it once (the miss that fills Redis),
# warms up with wrk, then measures with wrk. Prints the machine, the load average around the run,
# wrk's output, the cache counters from /metrics, and one RESULT line. The node is always stopped.
#
# Settings (environment):
#   DURATION       measured run in seconds (default 30)
#   WARMUP         warm-up run in seconds (default 10; 0 skips it)
#   CONNECTIONS    wrk connections (default 64)
#   THREADS        wrk threads (default 2)
#   NEAR_CACHE     on (default) or off: the node's in-process near cache in front of Redis
#                  (off sets LEARNGRID_NEAR_CACHE_MAX_ENTRIES=0)
#   READY_TIMEOUT  seconds to wait for /health/ready (default 180)
#   LEARNGRID_JAR  the jar to run (default verticles/target/learngrid.jar, built if missing)
#   BENCH_JAVA_OPTS  extra JVM options for the node (default none)
#   LIMITS         off (default) or on: the rate limits, with budgets too high to refuse (their cost)
#   KEEP_DATA=1    keep the node's temp data dir (PostgreSQL, Redis) after the run
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=load/lib.sh
. "$HERE/lib.sh"
LUA="$HERE/course-read.lua"

DURATION="${DURATION:-30}"
WARMUP="${WARMUP:-10}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
near_cache_entries

require_whole_numbers DURATION WARMUP CONNECTIONS THREADS READY_TIMEOUT
(( DURATION > 0 && CONNECTIONS > 0 && THREADS > 0 )) || die "DURATION, CONNECTIONS and THREADS must be positive"
(( CONNECTIONS >= THREADS )) || die "CONNECTIONS ($CONNECTIONS) must be >= THREADS ($THREADS) for wrk"
command -v curl >/dev/null || die "curl is required"

find_java
ensure_jar
apt_install wrk wrk
pick_node_ports
make_work_dir learngrid-bench
always_clean_up

# --- helpers -------------------------------------------------------------------------------------
cache_counts() {  # hit miss error of learngrid_cache_requests_total{kind="course"}, over both levels:
  # a hit at either level is a hit; a near miss goes on to Redis, so only Redis misses and errors count.
  curl -sf --max-time 10 "$BASE/metrics" | awk '
    /^learngrid_cache_requests_total\{/ && /kind="course"/ {
      r = $0; sub(/.*result="/, "", r); sub(/".*/, "", r)
      l = $0; sub(/.*level="/, "", l); sub(/".*/, "", l)
      if (r == "hit" || l == "redis") v[r] += $NF }
    END { printf "%d %d %d\n", v["hit"], v["miss"], v["error"] }'
}

show_counts() {  # show_counts LABEL hit miss error
  printf '%-28s hit=%d miss=%d error=%d\n' "$1" "$2" "$3" "$4"
}

print_machine

# --- start the node ------------------------------------------------------------------------------
section "starting the dev node"
echo "http $BASE, postgres :$PG_PORT, redis :$REDIS_PORT, ai simulator :$AI_PORT"
echo "data $DATA, log $NODE_LOG, access log off, rate limits ${LIMITS:-off}, near cache $NEAR_CACHE, JVM options: ${BENCH_JAVA_OPTS:-(none)}"
start_node bench-course-read LEARNGRID_NEAR_CACHE_MAX_ENTRIES="$NEAR_ENTRIES"
wait_until_ready

# --- a user and a course ----------------------------------------------------------------------------
TOKEN="$(login teacher@learngrid.dev demo-password)"
[[ -n $TOKEN ]] || die "login as teacher@learngrid.dev failed"
COURSE_ID="$(curl -sf --max-time 10 -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"title":"Benchmark course","subject":"load","description":"Created by load/bench-course-read.sh"}' \
  "$BASE/api/v1/courses" | json_field id)"
[[ -n $COURSE_ID ]] || die "creating a course failed"
URL="$BASE/api/v1/courses/$COURSE_ID"
AUTH="Authorization: Bearer $TOKEN"

read -r h0 m0 e0 < <(cache_counts)
first="$(curl -s -o /dev/null -w '%{http_code} %{size_download}' --max-time 10 -H "$AUTH" "$URL")"
sleep 0.5   # the cache fill after a miss is asynchronous
second="$(curl -s -o /dev/null -w '%{http_code} %{size_download}' --max-time 10 -H "$AUTH" "$URL")"
read -r h1 m1 e1 < <(cache_counts)
echo "course $COURSE_ID: first read $first (status, bytes), second read $second;" \
  "cache counters moved hit +$((h1 - h0)) miss +$((m1 - m0)) error +$((e1 - e0))"
[[ $first == 200\ * && $second == 200\ * ]] || die "GET $URL did not answer 200"

# --- warm-up -------------------------------------------------------------------------------------
if (( WARMUP > 0 )); then
  section "warm-up: wrk -t$THREADS -c$CONNECTIONS -d${WARMUP}s (JIT, connections, cache; only its summary is shown)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -H "$AUTH" -s "$LUA" "$URL" | only_warmup_summary
fi

# --- measured run --------------------------------------------------------------------------------
section "measured run: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency GET /api/v1/courses/{id}"
read -r hb mb eb < <(cache_counts)
show_counts "cache before the run:" "$hb" "$mb" "$eb"
LOAD_BEFORE="$(uptime)"
echo "load before: $LOAD_BEFORE"
( while sleep 5; do echo "  $(date -u +%H:%M:%S) $(cut -d' ' -f1-3 /proc/loadavg)"; done ) >"$WORK/loadavg.txt" &
SAMPLER_PID=$!
# CPU over the run: the machine, and the node (java plus its child redis-server; PostgreSQL is
# detached by pg_ctl but idle on cache hits).
read -r busy0 total0 < <(cpu_machine)
node0="$(cpu_proc "$NODE_PID")"
WRK_OUT="$WORK/wrk.txt"
TIMEFORMAT='%R %U %S'
{ time wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "$AUTH" -s "$LUA" "$URL" >"$WRK_OUT" 2>"$WORK/wrk.err"; } 2>"$WORK/wrk-time.txt"
read -r busy1 total1 < <(cpu_machine)
node1="$(cpu_proc "$NODE_PID")"
stop_sampler
LOAD_AFTER="$(uptime)"
read -r ha ma ea < <(cache_counts)

grep -v '^BENCH' "$WRK_OUT"
echo "load after:  $LOAD_AFTER"
echo "load average every 5 s during the run (1/5/15 min):"
cat "$WORK/loadavg.txt"

cat "$WORK/wrk.err" >&2
read -r wrk_real wrk_user wrk_sys < <(tail -n 1 "$WORK/wrk-time.txt")
CPU_LINE="$(cpu_split $((busy1 - busy0)) $((total1 - total0)) $((node1 - node0)) - "$wrk_real" "$wrk_user" "$wrk_sys")"
[[ -z $CPU_LINE ]] || echo "cpu during the run (cores of $(nproc)): $CPU_LINE"

show_counts "cache after the run:" "$ha" "$ma" "$ea"
dh=$((ha - hb)); dm=$((ma - mb)); de=$((ea - eb))
RATIO="$(awk -v h=$dh -v m=$dm -v e=$de 'BEGIN { t = h + m + e; if (t > 0) printf "%.2f%%", 100 * h / t; else print "n/a" }')"
show_counts "cache during the run:" "$dh" "$dm" "$de"
echo "hit ratio during the run: $RATIO"

# --- one-line summary ----------------------------------------------------------------------------
BENCH="$(grep '^BENCH' "$WRK_OUT" || true)"
[[ -n $BENCH ]] || die "wrk printed no summary (see $WRK_OUT)"
field() { bench_value "$BENCH" "$1"; }
socket="$(socket_errors "$BENCH")"
non2xx="$(field non2xx)"
section "result"
warn_if_incomplete "$BENCH"
echo "RESULT course-read near-cache=$NEAR_CACHE c=$CONNECTIONS t=$THREADS d=${DURATION}s: $(field rps) req/s," \
  "p50 $(ms "$(field p50_us)"), p99 $(ms "$(field p99_us)"), errors $((non2xx + socket))" \
  "(non-2xx $non2xx, socket $socket), cache hit ratio $RATIO, load avg $(cut -d' ' -f1 /proc/loadavg) (1 min) after"
