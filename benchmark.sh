#!/usr/bin/env bash
# Measures the import pipeline against raw COPY and naive EF Core on a throw-away PostgreSQL,
# or (ib) one large PGP-encrypted Instant Bloomberg file collected over SFTP: throughput and memory.
# Usage: ./benchmark.sh [items (default 50000)] [--repeat R (default 3)]
#        ./benchmark.sh ib [messages (default 200000)] [--one-room]
set -euo pipefail
cd "$(dirname "$0")"
if [ "${1:-}" = ib ]; then
  # The ib mode's SFTP server is OpenSSH's sshd on loopback, which the --tests prerequisites install.
  bash scripts/prerequisites.sh --tests
else
  bash scripts/prerequisites.sh
fi
dotnet run -c Release --project benchmarks/Connectors.Benchmarks -- "$@"
