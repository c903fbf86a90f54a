#!/usr/bin/env bash
# Benchmark: the heap of a node writing course exports (load/ExportHeap.java): a 500 x 20 gradebook
# and a 100,000-answer export on a node with only the persistence role, in a JVM capped at -Xmx64m.
# Starts its own embedded PostgreSQL (port 54394).
#
#   load/bench-export.sh                  # 100,000 answers, 64 MB heap
#   ANSWERS=400000 HEAP=64m load/bench-export.sh
#
# Settings (environment): ANSWERS (100000), HEAP (64m, the node's -Xmx), LEARNGRID_JAR.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=load/lib.sh
. "$HERE/lib.sh"

ANSWERS="${ANSWERS:-100000}"
HEAP="${HEAP:-64m}"
require_whole_numbers ANSWERS
[[ $HEAP =~ ^[0-9]+[mg]$ ]] || die "HEAP must look like 64m or 1g, not '$HEAP'"
find_java
ensure_jar
make_work_dir learngrid-bench-export
always_clean_up
print_machine
"$JAVA" -Xmx"$HEAP" -XX:+ExitOnOutOfMemoryError -cp "$JAR" "$HERE/ExportHeap.java" "$ANSWERS" "$WORK" 2>&1 \
  | grep -E '^(RESULT|machine)|Exception|ERROR|OutOfMemory'
