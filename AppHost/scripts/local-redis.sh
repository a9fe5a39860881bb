#!/usr/bin/env bash
# Runs a real Redis server from the machine's binaries for the AppHost's `local` mode.
# Usage: local-redis.sh <port> <data-dir>; the password comes in REDIS_PASSWORD.
set -euo pipefail
port="$1"; dir="$2"
command -v redis-server >/dev/null || { echo "redis-server not found (run ./run.sh once)"; exit 1; }
mkdir -p "$dir"
chmod 700 "$dir"
# The password goes in an owner-only file rather than on the command line, where `ps` would show it.
conf="$dir/redis.conf"
umask 077
printf 'requirepass "%s"\nbind 127.0.0.1 ::1\nappendonly yes\ndir "%s"\nlogfile ""\n' "$REDIS_PASSWORD" "$dir" > "$conf"
exec redis-server "$conf" --port "$port" 2>&1
