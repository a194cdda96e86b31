#!/usr/bin/env bash
# Runs every NetFleet test: installs the Debian packages the tests talk to (real sshd, snmpd,
# PostgreSQL, tcpdump), builds, and runs the whole suite. Needs root (the lab runs its own sshd).
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
deploy/build.sh
dotnet test NetFleet.sln -c "${CONFIGURATION:-Release}" --no-build --nologo \
  --logger "console;verbosity=minimal" --results-directory artifacts/test-results "$@"
