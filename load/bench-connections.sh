#!/usr/bin/env bash
# Benchmark: many concurrent keep-alive clients on one dev node (see load/README.md).
#
#   load/bench-connections.sh                                  # 10,000 connections, 2,000 req/s, 60 s
#   CONNECTIONS=2000 RATE=1000 DURATION=20 load/bench-connections.sh   # a quick check
#
# Starts `learngrid.jar dev` like bench-mixed-read.sh, with production limits (LIMITS, default on,
# budgets too high to refuse), builds the mixed read plan of mixed-read.lua (COURSES × STUDENTS),
# then opens CONNECTIONS keep-alive connections with wrk, each pacing itself (PACE_MS) so that all
# together send about RATE requests/s of the plan. Prints the node's RSS and heap after a full GC
# before the connections open and while they are open (their difference over CONNECTIONS is the
# memory one connection costs), the open sockets the node holds, wrk's latency (p50/p99/p99.9;
# the first request of every connection goes out at once, so the run starts with a burst of
# CONNECTIONS requests) and errors, and one RESULT line. The node is always stopped.
#
# A node and wrk each need a descriptor per connection: the script raises its own soft limit
# (ulimit -n) to NOFILE (default 65536; the node inherits it), within the hard limit.
#
# Settings (environment): CONNECTIONS (10000), RATE (2000), DURATION (60), THREADS (2),
# COURSES (20), STUDENTS (50), LIMITS (on|off), NOFILE (65536), READY_TIMEOUT, LEARNGRID_JAR,
# BENCH_JAVA_OPTS, KEEP_DATA.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=load/lib.sh
. "$HERE/lib.sh"
LUA="$HERE/mixed-read.lua"

CONNECTIONS="${CONNECTIONS:-10000}"
RATE="${RATE:-2000}"
DURATION="${DURATION:-60}"
THREADS="${THREADS:-2}"
COURSES="${COURSES:-20}"
STUDENTS="${STUDENTS:-50}"
NOFILE="${NOFILE:-65536}"
export LIMITS="${LIMITS:-on}"

require_whole_numbers CONNECTIONS RATE DURATION THREADS COURSES STUDENTS NOFILE READY_TIMEOUT
(( CONNECTIONS > 0 && RATE > 0 && DURATION > 0 && THREADS > 0 )) || die "CONNECTIONS, RATE, DURATION and THREADS must be positive"
(( CONNECTIONS >= THREADS )) || die "CONNECTIONS ($CONNECTIONS) must be >= THREADS ($THREADS) for wrk"
command -v curl >/dev/null || die "curl is required"
command -v python3 >/dev/null || die "python3 is required (to read the API's JSON replies)"

hard="$(ulimit -Hn)"
[[ $hard == unlimited ]] || (( NOFILE <= hard )) || NOFILE=$hard
ulimit -n "$NOFILE" || die "could not raise the open-files limit to $NOFILE"
(( NOFILE > CONNECTIONS + 1000 )) || die "open-files limit $NOFILE is too low for $CONNECTIONS connections (raise the hard limit: ulimit -Hn, or LimitNOFILE= in a systemd unit)"
PACE_MS=$(( CONNECTIONS * 1000 / RATE ))

find_java
ensure_jar
apt_install wrk wrk
pick_node_ports
make_work_dir learngrid-bench
always_clean_up
print_machine

section "starting the dev node"
echo "http $BASE, open-files limit $(ulimit -n), rate limits $LIMITS, JVM options: ${BENCH_JAVA_OPTS:-(none)}"
start_node bench-connections
wait_until_ready
JAVA_PID="$(node_java_pid)"

section "test data: $COURSES courses with one assignment each, $STUDENTS students enrolled in every course"
build_mixed_read_plan "$COURSES" "$STUDENTS"
echo "$(wc -l <"$PLAN") (student, course) pairs in $PLAN"

section "the node before the connections open (after a full GC)"
read -r RSS_IDLE HEAP_IDLE < <(node_memory "$JAVA_PID")
echo "RSS $((RSS_IDLE / 1024)) MiB, heap after GC $((HEAP_IDLE / 1024)) MiB, sockets $(open_sockets "$JAVA_PID")"

section "measured run: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --timeout 10s, each connection pacing ${PACE_MS} ms (about $RATE req/s)"
WRK_OUT="$WORK/wrk.txt"
PLAN="$PLAN" PACE_MS="$PACE_MS" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency \
  -s "$LUA" "$BASE" >"$WRK_OUT" &
WRK_PID=$!
# Halfway through, every connection is open and paced: the node's memory with them.
sleep $(( DURATION / 2 ))
SOCKETS="$(open_sockets "$JAVA_PID")"
read -r RSS_OPEN HEAP_OPEN < <(node_memory "$JAVA_PID")
wait "$WRK_PID" || die "wrk failed (see $WRK_OUT)"
grep -v '^BENCH' "$WRK_OUT"
echo "with the connections open: RSS $((RSS_OPEN / 1024)) MiB, heap after GC $((HEAP_OPEN / 1024)) MiB, sockets $SOCKETS"

BENCH="$(grep '^BENCH' "$WRK_OUT" || true)"
[[ -n $BENCH ]] || die "wrk printed no summary (see $WRK_OUT)"
field() { bench_value "$BENCH" "$1"; }
per_connection() { awk -v a="$1" -v b="$2" -v n="$CONNECTIONS" 'BEGIN { printf "%.1f KiB", (b - a) / n }'; }
section "result"
echo "RESULT connections c=$CONNECTIONS rate=$RATE d=${DURATION}s limits=$LIMITS:" \
  "$(field rps) req/s, p50 $(ms "$(field p50_us)"), p99 $(ms "$(field p99_us)"), p99.9 $(ms "$(field p999_us)")," \
  "non-2xx $(field non2xx), socket errors $(socket_errors "$BENCH"), node sockets $SOCKETS," \
  "RSS $((RSS_IDLE / 1024)) -> $((RSS_OPEN / 1024)) MiB ($(per_connection "$RSS_IDLE" "$RSS_OPEN")/connection)," \
  "heap after GC $((HEAP_IDLE / 1024)) -> $((HEAP_OPEN / 1024)) MiB ($(per_connection "$HEAP_IDLE" "$HEAP_OPEN")/connection)"
