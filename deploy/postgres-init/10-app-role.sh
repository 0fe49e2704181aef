#!/bin/sh
# First start of the postgres container: the application's own role and database.
# The role is not a superuser and cannot bypass RLS, so the tenant policies bind it;
# it owns its tables (migrations run as it) and FORCE ROW LEVEL SECURITY covers owners.
set -eu
: "${ATS_DB_PASSWORD:?ATS_DB_PASSWORD must be set for the postgres container}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     --set=app_password="$ATS_DB_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE ats LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD %L',
              :'app_password')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ats')\gexec
SELECT 'CREATE DATABASE ats OWNER ats'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'ats')\gexec
REVOKE ALL ON DATABASE ats FROM PUBLIC;
SQL
