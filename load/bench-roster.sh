#!/usr/bin/env bash
# Benchmark: a 5,000-row roster import on one node and the set-password emails it sends to an
# in-process SMTP server (load/RosterAndEmail.java): the import's time and the email jobs per second.
# Starts its own embedded PostgreSQL (port 54392) and SMTP server (54393).
#
#   load/bench-roster.sh               # 5,000 rows
#   ROWS=2000 load/bench-roster.sh
#
# Settings (environment): ROWS (5000), EMAIL_CONCURRENCY (16, the email runner's slots), LEARNGRID_JAR.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=load/lib.sh
. "$HERE/lib.sh"

ROWS="${ROWS:-5000}"
EMAIL_CONCURRENCY="${EMAIL_CONCURRENCY:-16}"
require_whole_numbers ROWS EMAIL_CONCURRENCY
find_java
ensure_jar
make_work_dir learngrid-bench-roster
always_clean_up
print_machine
"$JAVA" -DemailConcurrency="$EMAIL_CONCURRENCY" -cp "$JAR" "$HERE/RosterAndEmail.java" "$ROWS" "$WORK" 2>&1 \
  | grep -E '^(RESULT|machine)|Exception|ERROR'
