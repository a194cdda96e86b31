#!/usr/bin/env bash
# Builds NetFleet: the solution, the `netfleet` command into artifacts/netfleet, and the lab's
# NativeAOT session relay into artifacts/lab-shell.
set -euo pipefail
cd "$(dirname "$0")/.."
configuration=${CONFIGURATION:-Release}
dotnet publish src/NetFleet.Lab.Shell -c "$configuration" -r linux-x64 -o artifacts/lab-shell --nologo -v quiet
dotnet build NetFleet.sln -c "$configuration" --nologo -v quiet
dotnet publish src/NetFleet.Cli -c "$configuration" -o artifacts/netfleet --no-build --nologo -v quiet
