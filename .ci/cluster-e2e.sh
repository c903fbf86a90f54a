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
WORKERS=${E2E_WORKERS:-12}
started_at=$(date +%s)
. load/cluster-load.sh

cleanup() {
  [ -n "$LOAD_PID" ] && kill "$LOAD_PID" 2>/dev/null || true
  $LC stop >/dev/null 2>&1 || true
  rm -rf "$LEARNGRID_LOCAL_DIR"
}
trap cleanup EXIT
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
