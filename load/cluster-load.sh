# Sourced by .ci/cluster-e2e.sh and load/faults.sh: load/mixed.py against a bin/local-cluster in
# $LEARNGRID_LOCAL_DIR, and what its records say. Expects URL (nginx) and WORKERS to be set.
LC=bin/local-cluster
LOAD_PID=""

fail() {
  echo "FAILED: $*" >&2
  # set -e stays off here: a grep that finds nothing must not end the report before the node logs.
  set +e
  for f in "$LEARNGRID_LOCAL_DIR"/load-*/requests.tsv; do
    [ -f "$f" ] && { echo "--- failed requests in $f (epoch ms, kind, status, ms; 0 = no HTTP response)"
      awk -F'\t' '$3 !~ /^2/' "$f" | head -10; }
  done
  [ -f "$LEARNGRID_LOCAL_DIR/nginx/logs/access.log" ] && { echo "--- nginx: answers other than 2xx"
    grep -v '" 2[0-9][0-9] ' "$LEARNGRID_LOCAL_DIR/nginx/logs/access.log" | tail -10; }
  for f in "$LEARNGRID_LOCAL_DIR"/node*.log "$LEARNGRID_LOCAL_DIR"/nginx/logs/error.log; do
    [ -f "$f" ] && { echo "--- $f"; grep -v "^\s*at " "$f" | tail -25; }
  done
  exit 1
}
now_ms() { date +%s%3N; }

# load_start NAME [mixed.py options]: mixed load in the background until its stop file appears;
# returns once the load runs.
load_start() {
  local name=$1; shift
  local out="$LEARNGRID_LOCAL_DIR/load-$name"
  mkdir -p "$out"
  python3 load/mixed.py --url "$URL" --out "$out" --duration 900 --workers "$WORKERS" --students 30 \
    --stop-file "$out/stop" "$@" > "$out/stdout" 2> "$out/stderr" &
  LOAD_PID=$!
  for _ in $(seq 1 240); do
    [ -f "$out/started" ] && return 0
    kill -0 $LOAD_PID 2>/dev/null || fail "load $name did not start: $(cat "$out/stderr")"
    sleep 0.5
  done
  fail "load $name did not start within 120 s"
}
load_stop() {
  local out="$LEARNGRID_LOCAL_DIR/load-$1"
  touch "$out/stop"
  wait $LOAD_PID || fail "load $1 failed: $(cat "$out/stderr")"
  LOAD_PID=""
  grep RESULT "$out/stdout"
}
# failures NAME FROM_MS TO_MS: "failed total" of the requests that completed in the window.
failures() {
  awk -F'\t' -v from="$2" -v to="$3" '$1 >= from && $1 <= to { n++; if ($3 !~ /^2/) f++ }
    END { printf "%d %d\n", f, n }' "$LEARNGRID_LOCAL_DIR/load-$1/requests.tsv"
}
pg_url() { sed -n 's/^LEARNGRID_PG_URL=//p' "$LEARNGRID_LOCAL_DIR/data/services.env"; }
# missing NAME: "missing acknowledged" for the run's acknowledged answers not in PostgreSQL.
missing() {
  local acked="$LEARNGRID_LOCAL_DIR/load-$1/acked.txt"
  local total; total=$(grep -c . "$acked" || true)
  [ "$total" -gt 0 ] || fail "no answer was acknowledged in run $1"
  local found
  found=$(psql -qtA "$(pg_url)" -v ON_ERROR_STOP=1 \
    -c "CREATE TEMP TABLE acked (event_id uuid)" \
    -c "\\copy acked FROM '$acked'" \
    -c "SELECT count(*) FROM acked a WHERE EXISTS (SELECT 1 FROM answer_events e WHERE e.event_id = a.event_id)")
  echo $((total - found)) "$total"
}
