#!/usr/bin/env bash
# Benchmark: the course event stream's fan-out. SUBSCRIBERS SSE streams (GET
# /api/v1/courses/{id}/events, one teacher) on one course while RATE answers/s arrive for it from
# STUDENTS students, on one dev node (load/SseFanout.java is the client). Prints the latency from
# an answer's 202 (committed; the event is published then) and from its submittedAt (graded,
# before the group commit) to each subscriber, p50/p99, and the node's CPU and heap.
#
#   load/bench-sse.sh                                # 1,000 subscribers, 500 answers/s, 30 s
#   SUBSCRIBERS=200 RATE=100 DURATION=20 load/bench-sse.sh
#
# Settings (environment): SUBSCRIBERS (1000), RATE (500, a multiple of 100), DURATION (30),
# STUDENTS (200), READY_TIMEOUT, LEARNGRID_JAR, BENCH_JAVA_OPTS. The client shares the machine
# with the node: on 2 cores its own parsing of SUBSCRIBERS x RATE events a second is a large part
# of the load, so the figures are an upper bound of what the node alone adds.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=load/lib.sh
. "$HERE/lib.sh"
SUBSCRIBERS="${SUBSCRIBERS:-1000}"
RATE="${RATE:-500}"
DURATION="${DURATION:-30}"
STUDENTS="${STUDENTS:-200}"
require_whole_numbers SUBSCRIBERS RATE DURATION STUDENTS READY_TIMEOUT
(( RATE >= 100 && RATE % 100 == 0 )) || die "RATE must be a multiple of 100"

find_java
ensure_jar
pick_node_ports
pick_port  # the dev node's SMTP server: another dev node on this machine may hold the default 3025
SMTP_PORT=$PORT
make_work_dir learngrid-bench-sse
always_clean_up
print_machine

section "starting the dev node (streams per user up to $SUBSCRIBERS)"
start_node bench-sse LEARNGRID_DEV_SMTP_PORT="$SMTP_PORT" LEARNGRID_BCRYPT_COST=4 LEARNGRID_EVENTS_MAX_STREAMS_PER_USER="$SUBSCRIBERS" \
  LEARNGRID_EVENTS_MAX_STREAMS=$((SUBSCRIBERS + 100))
wait_until_ready

TOKEN="$(login teacher@learngrid.dev demo-password)"
[[ -n $TOKEN ]] || die "login as teacher@learngrid.dev failed"

section "$SUBSCRIBERS subscribers, $RATE answers/s for ${DURATION}s (after 5 s of warm-up)"
"$JAVA" -cp "$JAR" "$HERE/SseFanout.java" "$BASE" "$TOKEN" "$STUDENTS" "$SUBSCRIBERS" "$RATE" "$DURATION" 2>&1 \
  | grep -Ev '^(WARNING|SLF4J)' | tee "$WORK/sse.txt"
grep -q '^RESULT latency' "$WORK/sse.txt" || die "the client printed no result"
