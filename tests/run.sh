#!/usr/bin/env bash
# Runs every NetFleet test: installs the Debian packages the tests talk to (real sshd, snmpd,
# PostgreSQL, tcpdump), builds, and runs the whole suite. Needs root (the lab runs its own sshd).
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
deploy/build.sh
# One test assembly at a time: the lab, cluster and 1,000-device tests each want both cores.
dotnet test NetFleet.sln -c "${CONFIGURATION:-Release}" --no-build --nologo -m:1 \
  --logger "console;verbosity=minimal" --results-directory artifacts/test-results "$@"
