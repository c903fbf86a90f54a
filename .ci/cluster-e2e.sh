#!/usr/bin/env bash
# Three nodes behind nginx on loopback (bin/local-cluster) under steady mixed load (load/mixed.py:
# reads and answers with Idempotency-Keys, every response counted at the client; like any HTTP
# client it resends, once, a request whose idle keep-alive connection nginx had closed, which
# nginx does on a reload: counted apart as stale_keepalive_retries in the RESULT lines):
#   1. kill -9 one node: at most 1 % failed requests in the minute around the kill, and every
#      acknowledged (202) answer of the run is in PostgreSQL afterwards;
#   2. a SIGTERM rolling restart of all three nodes: zero failed requests, each node exits 0;
#   3. a fourth node added under load: nginx sends it requests.
# Ports: nginx 28100, nodes 28101.., PostgreSQL 28140, Redis 28141, AI simulator 28142.
set -euo pipefail
cd "$(dirname "$0")/.."
export LEARNGRID_LOCAL_DIR; LEARNGRID_LOCAL_DIR=$(mktemp -d /tmp/learngrid-e2e.XXXXXX)
export LEARNGRID_LOCAL_BASE_PORT=28100
# A node stays in nginx until its keep-alive connections fail: a short grace does, on loopback.
export LEARNGRID_LOCAL_SHUTDOWN_GRACE_MS=1500
URL=http://127.0.0.1:28100
LC=bin/local-cluster
WORKERS=${E2E_WORKERS:-12}
started_at=$(date +%s)
LOAD_PID=""

cleanup() {
  [ -n "$LOAD_PID" ] && kill "$LOAD_PID" 2>/dev/null || true
  $LC stop >/dev/null 2>&1 || true
  rm -rf "$LEARNGRID_LOCAL_DIR"
}
trap cleanup EXIT
fail() {
  echo "E2E FAILED: $*" >&2
  # set -e stays off here: a grep that finds nothing must not end the report before the node logs.
  set +e
  for f in "$LEARNGRID_LOCAL_DIR"/load-*/requests.tsv; do
    [ -f "$f" ] && { echo "--- failed requests in $f (epoch ms, kind, status; 0 = no HTTP response)"; grep -v "	2[0-9][0-9]$" "$f" | head -10; }
  done
  [ -f "$LEARNGRID_LOCAL_DIR/nginx/logs/access.log" ] && { echo "--- nginx: answers other than 2xx"
    grep -v '" 2[0-9][0-9] ' "$LEARNGRID_LOCAL_DIR/nginx/logs/access.log" | tail -10; }
  for f in "$LEARNGRID_LOCAL_DIR"/node*.log "$LEARNGRID_LOCAL_DIR"/nginx/logs/error.log; do
    [ -f "$f" ] && { echo "--- $f"; grep -v "^\s*at " "$f" | tail -25; }
  done
  exit 1
}
now_ms() { date +%s%3N; }

# load_start NAME: mixed load in the background until its stop file appears; waits until it runs.
load_start() {
  local out="$LEARNGRID_LOCAL_DIR/load-$1"
  mkdir -p "$out"
  python3 load/mixed.py --url $URL --out "$out" --duration 900 --workers "$WORKERS" --students 30 \
    --stop-file "$out/stop" > "$out/stdout" 2> "$out/stderr" &
  LOAD_PID=$!
  for _ in $(seq 1 240); do
    [ -f "$out/started" ] && return 0
    kill -0 $LOAD_PID 2>/dev/null || fail "load $1 did not start: $(cat "$out/stderr")"
    sleep 0.5
  done
  fail "load $1 did not start within 120 s"
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
# missing NAME: acknowledged answers of the run that PostgreSQL does not have.
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

command -v nginx >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }
command -v psql >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null; }

echo "== 3 nodes behind nginx"
$LC start 3 || fail "the local cluster did not start"

# Request smuggling (RFC 9112 6.3): Content-Length with Transfer-Encoding: chunked is refused by
# nginx, as problem+json, and the connection closed (behind it the node's Netty would drop the
# Content-Length and read the chunked body).
python3 - <<'PY' || fail "Content-Length with Transfer-Encoding was not refused with a 400 problem+json and a close"
import socket, sys
s = socket.create_connection(("127.0.0.1", 28100), timeout=10)
s.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
reply = b""
while chunk := s.recv(4096):
    reply += chunk
head = reply.split(b"\r\n\r\n")[0].lower()
sys.exit(0 if reply.startswith(b"HTTP/1.1 400") and b"application/problem+json" in head
         and b"connection: close" in head else 1)
PY
echo "ok    Content-Length with Transfer-Encoding: 400 problem+json from nginx, connection closed"

echo "== kill -9 one node under load"
load_start kill
# 30 s of load before the kill and 30 s after: the minute around it.
sleep 30
kill_ms=$(now_ms)
$LC kill 2
sleep 30
load_stop kill
read -r failed total < <(failures kill $((kill_ms - 30000)) $((kill_ms + 30000)))
echo "kill -9: $failed of $total requests failed in the minute around the kill"
[ "$total" -gt 0 ] || fail "no requests in the minute around the kill"
[ $((failed * 100)) -le "$total" ] || fail "more than 1 % failed around the kill -9 ($failed of $total)"
read -r lost acked < <(missing kill)
echo "kill -9: $lost of $acked acknowledged answers missing from PostgreSQL"
[ "$lost" = 0 ] || fail "$lost acknowledged answers are missing from PostgreSQL"
$LC start-node 2 || fail "node2 did not come back"

echo "== SIGTERM rolling restart of all three nodes under load"
load_start rolling
sleep 5
for i in 1 2 3; do
  $LC restart $i || fail "rolling restart of node$i"
  sleep 3
done
load_stop rolling
read -r failed total < <(failures rolling 0 99999999999999)
echo "rolling restart: $failed of $total requests failed"
[ "$failed" = 0 ] || fail "$failed requests failed during the rolling restart"
read -r lost acked < <(missing rolling)
[ "$lost" = 0 ] || fail "$lost acknowledged answers are missing from PostgreSQL after the rolling restart"

echo "== a node added under load takes traffic"
load_start added
sleep 3
added=$($LC add | tail -1) || fail "adding a node"
port=$((28100 + added))
before=$(grep -c "upstream=127.0.0.1:$port " "$LEARNGRID_LOCAL_DIR/nginx/logs/access.log" || true)
sleep 10
load_stop added
served=$(grep -c "upstream=127.0.0.1:$port " "$LEARNGRID_LOCAL_DIR/nginx/logs/access.log" || true)
echo "node$added served $((served - before)) requests in its first 10 s"
[ $((served - before)) -gt 0 ] || fail "the added node took no traffic"
read -r failed total < <(failures added 0 99999999999999)
[ "$failed" = 0 ] || fail "$failed requests failed while a node was added"

echo "cluster-e2e: every check passed in $(( $(date +%s) - started_at )) s"
