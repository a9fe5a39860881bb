#!/usr/bin/env bash
# Measures the import pipeline against raw COPY and naive EF Core on a throw-away PostgreSQL.
# Usage: ./benchmark.sh [items (default 50000)] [--repeat R (default 3)]
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/prerequisites.sh
dotnet run -c Release --project benchmarks/Connectors.Benchmarks -- "$@"
