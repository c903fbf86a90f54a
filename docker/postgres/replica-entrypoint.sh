#!/bin/bash
# Entrypoint of postgres-replica (official postgres image, started as root like the image's own).
# On the first start, clones the primary with pg_basebackup over the replication slot replica1 and
# writes standby.signal and primary_conninfo (-R); then hands over to the image's entrypoint, which
# finds an existing data directory, skips initdb and starts a hot standby.
set -euo pipefail
: "${POSTGRES_REPLICATION_PASSWORD:?POSTGRES_REPLICATION_PASSWORD must be set}"
: "${PGDATA:?PGDATA must be set}"
primary="${PRIMARY_HOST:-postgres}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -q -h "$primary" -p 5432; do
    echo "replica: waiting for the primary at $primary:5432"
    sleep 2
  done
  # Into a side directory first: a copy cut short must not look like a data directory next time.
  partial="$PGDATA.partial"
  rm -rf "$partial"
  mkdir -p "$(dirname "$PGDATA")"
  chown postgres:postgres "$(dirname "$PGDATA")"
  echo "replica: cloning $primary with pg_basebackup"
  # primary_conninfo (in postgresql.auto.conf, inside the data directory) keeps the password.
  PGPASSWORD="$POSTGRES_REPLICATION_PASSWORD" gosu postgres pg_basebackup \
    --pgdata="$partial" \
    --dbname="host=$primary port=5432 user=replicator application_name=replica1" \
    --slot=replica1 --wal-method=stream --write-recovery-conf --checkpoint=fast --no-password
  rm -rf "$PGDATA"
  mv "$partial" "$PGDATA"
  chmod 700 "$PGDATA"
fi

exec docker-entrypoint.sh "$@"
