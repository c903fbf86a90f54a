#!/bin/bash
# Entrypoint of postgres-backup (official postgres image, as root): bin/backup (mounted as
# learngrid-backup) every day at BACKUP_AT (UTC, HH:MM), and at once when the newest backup is more
# than a day old (a new stack, or a host that was down at that hour). A failed run is retried every
# hour; meanwhile the freshness metric ages and LearngridBackupStale fires after 26 hours.
#
#   connection: PGHOST, PGPORT, PGUSER, PGPASSWORD (the replication role); BACKUP_AT, BACKUP_KEEP
set -euo pipefail
: "${BACKUP_AT:=02:30}" "${BACKUP_KEEP:=7}"
[[ "$BACKUP_AT" =~ ^[0-2][0-9]:[0-5][0-9]$ ]] || { echo "backup: BACKUP_AT must be HH:MM" >&2; exit 1; }
# The primary's archive_command runs as postgres and writes here; a new volume belongs to root.
chown postgres:postgres /wal-archive

backup() {
  until learngrid-backup --dir /backups --keep "$BACKUP_KEEP" --wal-archive /wal-archive \
      --textfile-dir /textfile --target postgres; do
    echo "backup: failed; next try in an hour" >&2
    sleep 3600
  done
}
newest_age() {
  local newest
  newest=$(ls /backups/base 2>/dev/null | grep -E '^[0-9]{8}T[0-9]{6}Z$' | sort | tail -1 || true)
  [ -n "$newest" ] || { echo 999999999; return; }
  echo $(( $(date +%s) - $(sed -n 's/^ended=//p' "/backups/base/$newest/backup.info") ))
}

until pg_isready -q; do echo "backup: waiting for $PGHOST" >&2; sleep 5; done
[ "$(newest_age)" -lt 86400 ] || backup
while true; do
  next=$(date -u -d "today $BACKUP_AT" +%s)
  [ "$next" -gt "$(date +%s)" ] || next=$(date -u -d "tomorrow $BACKUP_AT" +%s)
  sleep $(( next - $(date +%s) ))
  backup
done
