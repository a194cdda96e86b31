#!/usr/bin/env bash
# Builds NetFleet: the solution, the `netfleet` command (ReadyToRun) into artifacts/netfleet, and the lab's
# NativeAOT session relay into artifacts/lab-shell.
set -euo pipefail
cd "$(dirname "$0")/.."
configuration=${CONFIGURATION:-Release}
dotnet publish src/NetFleet.Lab.Shell -c "$configuration" -r linux-x64 -o artifacts/lab-shell --nologo -v quiet
dotnet build NetFleet.sln -c "$configuration" --nologo -v quiet
# ReadyToRun (precompiled, see src/NetFleet.Cli/NetFleet.Cli.csproj) needs a runtime-specific build, so this one
# compiles the CLI's projects again for linux-x64 instead of reusing the build above.
dotnet publish src/NetFleet.Cli -c "$configuration" -r linux-x64 --self-contained false -o artifacts/netfleet --nologo -v quiet
