#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks to run the stack (and, with --tests, the tests):
# PostgreSQL and Redis server binaries, setpriv, and (tests) Chromium for the browser tests and the
# OpenSSH server the SFTP tests run on a loopback port (and GnuPG, which they check interoperability
# with). Idempotent.
set -euo pipefail

want_browser=false
[ "${1:-}" = "--tests" ] && want_browser=true

missing=()
# The package also creates the `postgres` OS user that the server runs as when we are root.
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || ! id postgres >/dev/null 2>&1; then
  missing+=(postgresql)
fi
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
if $want_browser; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
  command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)
  [ -x /usr/bin/gpg ] || missing+=(gnupg)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Debian packages start their own servers where a service manager runs; ours are separate
# processes on ports the AppHost chooses, so those are not needed (and may not exist at all here).
command -v dotnet >/dev/null 2>&1 || { echo "The .NET 10 SDK is required (dotnet not found)." >&2; exit 1; }
