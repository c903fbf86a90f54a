#!/usr/bin/env bash
# Backups and point-in-time recovery on loopback: a one-node bin/local-cluster with WAL archiving
# into a directory, a base backup (bin/backup, with its freshness metric), 10,000 answers through
# the HTTP API (load/mixed.py), and then two restores into throwaway servers (bin/restore-drill):
#   1. to a point between two acknowledged answers: exactly the answers acknowledged before it
#      are there, none after it, and the restored answers are exactly the live ones committed
#      before it;
#   2. the latest backup with everything archived: every acknowledged answer, and every table's
#      row count equal to the live one.
# On the way it measures the recovery point: how long the last answers' WAL took to reach the
# archive with only archive_timeout closing the segment (at most 60 s).
# Ports: nginx 28500, node 28501, PostgreSQL 28540, Redis 28541, AI simulator 28542. About 2 min.
set -euo pipefail
cd "$(dirname "$0")/.."
export LEARNGRID_LOCAL_DIR; LEARNGRID_LOCAL_DIR=$(mktemp -d /tmp/learngrid-drill.XXXXXX)
export LEARNGRID_LOCAL_BASE_PORT=28500
export LEARNGRID_LOCAL_WAL_ARCHIVE="$LEARNGRID_LOCAL_DIR/wal-archive"
URL=http://127.0.0.1:28500
ANSWERS=${DRILL_ANSWERS:-10000}
started_at=$(date +%s)
. load/cluster-load.sh

cleanup() {
  $LC stop >/dev/null 2>&1 || true
  rm -rf "$LEARNGRID_LOCAL_DIR"
}
trap cleanup EXIT
command -v nginx >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }
command -v psql >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null; }
live() { psql -X -qAt -v ON_ERROR_STOP=1 -d "$(pg_url)" -c "$1"; }

echo "== a node with WAL archiving, and a base backup"
$LC start 1 || fail "the local cluster did not start"
$LC backup || fail "the base backup failed"
prom="$LEARNGRID_LOCAL_DIR/backups/textfile/postgres.prom"
stamp=$(sed -n 's/^learngrid_backup_last_success_timestamp_seconds{target="postgres"} \([0-9]*\)$/\1/p' "$prom" 2>/dev/null || true)
[ -n "$stamp" ] && [ $(( $(date +%s) - stamp )) -lt 120 ] || fail "no fresh learngrid_backup_last_success_timestamp_seconds in $prom"
echo "ok    $(tail -1 "$prom")"

echo "== $ANSWERS answers through the API"
out="$LEARNGRID_LOCAL_DIR/load-answers"
wal_before=$(live "SELECT pg_current_wal_lsn()")
python3 load/mixed.py --url "$URL" --out "$out" --duration 600 --workers 8 --students 30 --read-ratio 0 \
  --max-answers "$ANSWERS" > "$out.stdout" 2> "$out.stderr" || fail "the load failed: $(tail -3 "$out.stderr")"
grep RESULT "$out.stdout"
acked=$(grep -c . "$out/acked.txt" || true)
[ "$acked" -ge "$ANSWERS" ] || fail "only $acked answers acknowledged"
# The recovery point, measured: how long the newest answers' WAL waits before it is in the archive,
# with nothing but archive_timeout (60 s) closing the segment.
segment=$(live "SELECT pg_walfile_name(pg_current_wal_lsn())")
load_end=$(now_ms)
for _ in $(seq 1 180); do [ -f "$LEARNGRID_LOCAL_WAL_ARCHIVE/$segment" ] && break; sleep 0.5; done
[ -f "$LEARNGRID_LOCAL_WAL_ARCHIVE/$segment" ] || fail "WAL segment $segment was not archived within 90 s (archive_timeout 60 s)"
rpo_ms=$(( $(now_ms) - load_end ))
echo "ok    the last answers' WAL ($segment) was archived $((rpo_ms / 1000)) s after the load ended (archive_timeout 60 s)"
# Nothing writes any more: the latest restore must match the live database table by table.
code=$($LC term 1)
[ "$code" = 0 ] || fail "node1 exited with $code"
echo "WAL written by the load: $(live "SELECT pg_size_pretty(pg_current_wal_lsn() - '$wal_before'),
  round((pg_current_wal_lsn() - '$wal_before') / $acked) || ' bytes an answer'")"
# The segment holding the last writes goes to the archive now, not at archive_timeout. A WAL record
# that changes no table first: pg_switch_wal() does nothing when no WAL was written since the last
# switch, and would return a segment that is not closed.
live "SELECT pg_logical_emit_message(false, 'restore-drill', 'switch')" > /dev/null
segment=$(live "SELECT pg_walfile_name(pg_switch_wal())")
for _ in $(seq 1 120); do [ -f "$LEARNGRID_LOCAL_WAL_ARCHIVE/$segment" ] && break; sleep 0.5; done
[ -f "$LEARNGRID_LOCAL_WAL_ARCHIVE/$segment" ] || fail "WAL segment $segment was not archived within 60 s"
echo "ok    $acked answers acknowledged, WAL archived up to $segment"

# Midway through the load, the widest gap between two consecutive answer commits: its middle is
# after the one and before the other, whatever the clock's resolution.
target=$(live "WITH c AS (SELECT DISTINCT pg_xact_commit_timestamp(xmin) AS t FROM answer_events),
  p AS (SELECT t, lead(t) OVER (ORDER BY t) AS n, row_number() OVER (ORDER BY t) AS i, count(*) OVER () AS total FROM c)
  SELECT to_char((t + (n - t) / 2) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' FROM p
  WHERE n IS NOT NULL AND i BETWEEN total * 0.4 AND total * 0.6 ORDER BY n - t DESC LIMIT 1")
[ -n "$target" ] || fail "no two answer commits to restore between"

echo "== point-in-time restore to $target"
$LC restore-drill --target-time "$target" --acked "$out/acked.txt" 2>&1 | tee "$LEARNGRID_LOCAL_DIR/pitr.out" \
  || fail "the point-in-time restore failed its checks"
split=$(sed -n 's/.*acknowledged answers: \([0-9]*\) before .*, \([0-9]*\) after it.*/\1 \2/p' "$LEARNGRID_LOCAL_DIR/pitr.out")
read -r before after <<< "$split"
[ "${before:-0}" -gt 0 ] && [ "${after:-0}" -gt 0 ] || fail "the target does not split the acknowledged answers ($split)"
echo "ok    $before acknowledged answers before $target restored, the $after after it not"

echo "== latest backup, all archived WAL"
$LC restore-drill --quiescent --acked "$out/acked.txt" 2>&1 | tee "$LEARNGRID_LOCAL_DIR/latest.out" \
  || fail "the restore of the latest backup failed its checks"
echo "ok    restore drill passed in $(( $(date +%s) - started_at )) s"
