#!/bin/sh
# The two PostgreSQL roles of docs/security.md ("The ledger's database role"), made once, when the database volume is
# first initialised (the postgres image runs /docker-entrypoint-initdb.d/* then, as its superuser; never again):
#   juece_owner  owns the database and its tables: the one-shot `migrate` service connects as it, migrates, then grants
#                the application role its rights (scripts/ledger_app_role.sql);
#   juece_app    what web, worker and beat connect as: every table as usual, but only SELECT and INSERT on the ledger.
set -eu
: "${JUECE_OWNER_PASSWORD:?set JUECE_OWNER_PASSWORD in .env}"
: "${JUECE_APP_PASSWORD:?set JUECE_APP_PASSWORD in .env}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="$JUECE_OWNER_PASSWORD" -v app_password="$JUECE_APP_PASSWORD" <<'SQL'
CREATE ROLE juece_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE juece_app LOGIN PASSWORD :'app_password';
CREATE DATABASE juece OWNER juece_owner;
\connect juece
ALTER SCHEMA public OWNER TO juece_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
