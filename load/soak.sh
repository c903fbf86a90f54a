#!/usr/bin/env bash
# Soak: the mixed read plan at a steady rate for a long time on one dev node, sampling its memory
# every minute (see load/README.md).
#
#   load/soak.sh                          # 30 minutes, 64 connections, 5,000 req/s
#   MINUTES=6 RATE=2000 load/soak.sh      # a quick check
#
# Starts `learngrid.jar dev` like bench-connections.sh (production limits: LIMITS=on, budgets too
# high to refuse; the access log ON, as in production, to a file), builds the mixed read plan of
# mixed-read.lua, and runs wrk with CONNECTIONS paced connections sending about RATE requests/s
# (pick about half of what bench-mixed-read.sh measures) for MINUTES. Every minute it prints the
# node's RSS and its heap after a full GC (jcmd GC.run), its threads, open files and Prometheus
# series, and the requests it served that minute. At the end: wrk's totals and errors, and PASS
# when RSS and heap after GC grew less than GROWTH_PCT (5) % from minute WARM (5) to the end and
# nothing failed. The samples go to $WORK/samples.tsv. The node is always stopped.
#
# Settings (environment): MINUTES (30), WARM (5), RATE (5000), CONNECTIONS (64), THREADS (2),
# COURSES (20), STUDENTS (50), GROWTH_PCT (5), LIMITS (on|off), READY_TIMEOUT, LEARNGRID_JAR,
# BENCH_JAVA_OPTS, KEEP_DATA.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=load/lib.sh
. "$HERE/lib.sh"
LUA="$HERE/mixed-read.lua"

MINUTES="${MINUTES:-30}"
WARM="${WARM:-5}"
RATE="${RATE:-5000}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
COURSES="${COURSES:-20}"
STUDENTS="${STUDENTS:-50}"
GROWTH_PCT="${GROWTH_PCT:-5}"
export LIMITS="${LIMITS:-on}"

require_whole_numbers MINUTES WARM RATE CONNECTIONS THREADS COURSES STUDENTS GROWTH_PCT READY_TIMEOUT
(( MINUTES > WARM && RATE > 0 && CONNECTIONS >= THREADS && THREADS > 0 )) \
  || die "MINUTES must exceed WARM, RATE be positive, CONNECTIONS >= THREADS > 0"
command -v curl >/dev/null || die "curl is required"
command -v python3 >/dev/null || die "python3 is required (to read the API's JSON replies)"
PACE_MS=$(( CONNECTIONS * 1000 / RATE ))
(( PACE_MS > 0 )) || die "RATE $RATE is too high for $CONNECTIONS connections (each would wait under 1 ms)"

find_java
ensure_jar
apt_install wrk wrk
pick_node_ports
make_work_dir learngrid-soak
always_clean_up
print_machine

section "starting the dev node"
echo "http $BASE, rate limits $LIMITS, access log on (in the node log), JVM options: ${BENCH_JAVA_OPTS:-(none)}"
start_node soak LEARNGRID_ACCESS_LOG=on
wait_until_ready
JAVA_PID="$(node_java_pid)"

section "test data: $COURSES courses with one assignment each, $STUDENTS students enrolled in every course"
build_mixed_read_plan "$COURSES" "$STUDENTS"

served() {  # requests the node has answered, from its Prometheus endpoint
  curl -sf --max-time 10 "$BASE/metrics" | awk '/^vertx_http_server_requests_total\{/ { n += $NF } END { printf "%d\n", n }'
}
series() { curl -sf --max-time 10 "$BASE/metrics" | grep -vc '^#'; }

section "soak: wrk -t$THREADS -c$CONNECTIONS -d${MINUTES}m, each connection pacing ${PACE_MS} ms (about $RATE req/s)"
WRK_OUT="$WORK/wrk.txt"
PLAN="$PLAN" PACE_MS="$PACE_MS" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${MINUTES}m" --timeout 10s --latency \
  -s "$LUA" "$BASE" >"$WRK_OUT" &
WRK_PID=$!
SAMPLES="$WORK/samples.tsv"
printf 'minute\trss_kib\theap_after_gc_kib\tthreads\tfds\tseries\treq_per_s\n' | tee "$SAMPLES"
last="$(served)"
for ((m = 1; m <= MINUTES; m++)); do
  sleep 60
  kill -0 "$WRK_PID" 2>/dev/null || (( m == MINUTES )) || die "wrk ended early (see $WRK_OUT)"
  now="$(served)"
  read -r rss heap < <(node_memory "$JAVA_PID")
  printf '%d\t%d\t%d\t%d\t%d\t%d\t%d\n' "$m" "$rss" "$heap" \
    "$(ls "/proc/$JAVA_PID/task" | wc -l)" "$(ls "/proc/$JAVA_PID/fd" | wc -l)" "$(series)" \
    $(( (now - last) / 60 )) | tee -a "$SAMPLES"
  last=$now
done
wait "$WRK_PID" || die "wrk failed (see $WRK_OUT)"
grep -v '^BENCH' "$WRK_OUT"

BENCH="$(grep '^BENCH' "$WRK_OUT" || true)"
[[ -n $BENCH ]] || die "wrk printed no summary (see $WRK_OUT)"
field() { bench_value "$BENCH" "$1"; }
growth() {  # growth COLUMN: percent change from minute WARM to the last
  awk -F'\t' -v c="$1" -v w="$WARM" 'NR > 1 && $1 == w { a = $c } NR > 1 { b = $c } END { printf "%.1f", a ? 100 * (b - a) / a : 0 }' "$SAMPLES"
}
RSS_GROWTH="$(growth 2)"
HEAP_GROWTH="$(growth 3)"
ERRORS=$(( $(field non2xx) + $(socket_errors "$BENCH") ))
VERDICT="$(awk -v r="$RSS_GROWTH" -v h="$HEAP_GROWTH" -v g="$GROWTH_PCT" -v e="$ERRORS" 'BEGIN { print (r < g && h < g && e == 0) ? "PASS" : "FAIL" }')"
section "result"
echo "RESULT soak ${MINUTES} min c=$CONNECTIONS rate=$RATE limits=$LIMITS: $(field rps) req/s, p99 $(ms "$(field p99_us)")," \
  "errors $ERRORS, growth from minute $WARM: RSS ${RSS_GROWTH} %, heap after GC ${HEAP_GROWTH} % (goal < ${GROWTH_PCT} %): $VERDICT"
[[ $VERDICT == PASS ]]
