#!/usr/bin/env bash
# Device entities at scale (not part of the test suite): for each count a fresh 3-worker cluster on loopback, that many
# sharded device entities made by a status query each, memory per idle entity per node, and the time to passivate.
# Usage: tests/NetFleet.Cluster.Bench/entities.sh [IDLE_SECONDS=30] [COUNT...=10000 50000 100000]
# Prints one line per count; JSON in artifacts/bench/cluster-entities-COUNT.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
idle="${1:-30}"
shift || true
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(10000 50000 100000)
dotnet build -c Release -v quiet --nologo tests/NetFleet.Cluster.Bench
for count in "${counts[@]}"; do
  dotnet tests/NetFleet.Cluster.Bench/bin/Release/net10.0/NetFleet.Cluster.Bench.dll --entities "$count" --idle "$idle"
done
