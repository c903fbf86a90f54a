#!/bin/bash
# Runs once, on the primary's first start (an empty data volume), from
# /docker-entrypoint-initdb.d of the official postgres image: a role and a physical replication slot
# for postgres-replica, the pg_hba.conf line that lets it stream, and what postgres-exporter reads
# (a pg_monitor role, the pg_stat_statements view). Both reach the replica by replication. The slot keeps the WAL the
# replica still needs while it is down; drop it (SELECT pg_drop_replication_slot('replica1')) when
# the replica is removed for good, or WAL piles up on the primary's disk.
set -euo pipefail
: "${POSTGRES_REPLICATION_PASSWORD:?POSTGRES_REPLICATION_PASSWORD must be set}"
: "${POSTGRES_EXPORTER_PASSWORD:?POSTGRES_EXPORTER_PASSWORD must be set}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=replication_password="$POSTGRES_REPLICATION_PASSWORD" \
  --set=exporter_password="$POSTGRES_EXPORTER_PASSWORD" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'replication_password';
SELECT pg_create_physical_replication_slot('replica1');
-- pg_monitor reads every statistics view (other roles' query texts included) and nothing else.
CREATE ROLE exporter WITH LOGIN PASSWORD :'exporter_password' IN ROLE pg_monitor;
-- In the learngrid database, where the exporter connects (the library is preloaded by compose.yaml).
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
SQL

# The image's own line ("host all all all scram-sha-256") does not cover replication connections.
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
