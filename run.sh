#!/usr/bin/env bash
# Runs the whole stack: installs what is missing, then starts the Aspire AppHost
# (PostgreSQL, Redis, Api, Worker, status site and the dashboard).
# Extra arguments go to the AppHost, e.g. ./run.sh --Infrastructure:Mode=local
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/prerequisites.sh

# Plain-HTTP dashboard on localhost (no developer certificate is needed on a fresh machine).
export ASPIRE_ALLOW_UNSECURED_TRANSPORT=true
exec dotnet run --project AppHost/Connectors.AppHost.csproj --launch-profile http -- "$@"
