#!/usr/bin/env bash
# Benchmark: the job system with an empty handler on one node (load/JobThroughput.java): jobs
# queued, claimed, run and finished per second, and the wait from enqueue to the handler's start,
# with 1, 10 and 100 producers queueing at once. Starts its own embedded PostgreSQL (port 54391).
#
#   load/bench-jobs.sh               # 20,000 jobs per round
#   JOBS=50000 load/bench-jobs.sh
#
# Settings (environment): JOBS (20000), CONCURRENCY (64, the runner's slots), LEARNGRID_JAR.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=load/lib.sh
. "$HERE/lib.sh"

JOBS="${JOBS:-20000}"
CONCURRENCY="${CONCURRENCY:-64}"
require_whole_numbers JOBS CONCURRENCY
find_java
ensure_jar
make_work_dir learngrid-bench-jobs
always_clean_up
print_machine
"$JAVA" -Dconcurrency="$CONCURRENCY" -cp "$JAR" "$HERE/JobThroughput.java" "$JOBS" "$WORK" 2>&1 \
  | grep -E '^(RESULT|machine)|Exception|ERROR'
