#!/usr/bin/env bash
# Runs a real PostgreSQL server from the machine's binaries for the AppHost's `local` mode.
# Usage: local-postgres.sh <port> <data-root> <database>; the password comes in POSTGRES_PASSWORD.
# PostgreSQL refuses to run as root, so as root it runs as the `postgres` OS user.
set -euo pipefail
port="$1"; root="$2"; database="$3"

bindir="${POSTGRES_BIN_DIR:-}"
if [ -z "$bindir" ]; then
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
fi
[ -x "$bindir/postgres" ] || { echo "PostgreSQL binaries not found (set POSTGRES_BIN_DIR or run ./run.sh once)"; exit 1; }

as_owner=()
mkdir -p "$root"
if [ "$(id -u)" = 0 ]; then
  as_owner=(setpriv --reuid=postgres --regid=postgres --init-groups --)
  chown postgres:postgres "$root"
fi
chmod 700 "$root"
data="$root/data"; sockets="$root/run"
"${as_owner[@]}" mkdir -p "$sockets"

if [ ! -s "$data/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  [ "$(id -u)" = 0 ] && chown postgres "$pwfile"
  # Local socket connections (in an owner-only folder) are trusted; TCP needs the password.
  "${as_owner[@]}" "$bindir/initdb" -D "$data" -U postgres --pwfile="$pwfile" -E UTF8 --locale=C \
    --auth-local=trust --auth-host=scram-sha-256
  rm -f "$pwfile"
fi

"${as_owner[@]}" "$bindir/postgres" -D "$data" -p "$port" -k "$sockets" -c listen_addresses=localhost \
  -c max_connections="${POSTGRES_MAX_CONNECTIONS:-100}" 2>&1 &
pid=$!
# DCP stops executables with TERM; PostgreSQL's fast shutdown is SIGINT.
trap 'kill -INT "$pid" 2>/dev/null || true' TERM INT

psql_local=("${as_owner[@]}" "$bindir/psql" -h "$sockets" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
until "$bindir/pg_isready" -q -h "$sockets" -p "$port"; do
  kill -0 "$pid" 2>/dev/null || { wait "$pid"; exit $?; }
  sleep 0.2
done
# The password may have been supplied anew (Parameters__postgres-password); keep the server in step.
printf "ALTER ROLE postgres PASSWORD :'pw';\n" | "${psql_local[@]}" -v pw="$POSTGRES_PASSWORD"
if [ -z "$("${psql_local[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$database'")" ]; then
  "${psql_local[@]}" -c "CREATE DATABASE \"$database\""
fi
echo "PostgreSQL ready on port $port, database $database, data in $data"

wait "$pid" || true
wait "$pid" 2>/dev/null || true
