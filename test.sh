#!/usr/bin/env bash
# Runs every test: installs what is missing (PostgreSQL, Redis, Chromium), builds once, then runs the
# unit, service and end-to-end (AppHost) tiers. The tests start their own throw-away servers.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/prerequisites.sh --tests

dotnet build Connectors.sln -c Release -nologo -clp:ErrorsOnly
# The summary counts every result file here: start without an earlier run's.
rm -rf TestResults
status=0
for project in tests/Connectors.UnitTests tests/Connectors.ServiceTests tests/Connectors.EndToEndTests; do
  echo "=== $project"
  dotnet test "$project" -c Release --no-build -nologo --logger "console;verbosity=minimal" --results-directory TestResults \
    --logger "trx;LogFilePrefix=$(basename "$project")" "$@" || status=1
done
python3 scripts/summarize-tests.py TestResults || true
exit $status
