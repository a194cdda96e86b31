#!/usr/bin/env bash
# The cluster load benchmark (not part of the test suite): N jobs at once to a 3-node cluster.
# Usage (root): tests/NetFleet.Cluster.Bench/run.sh [JOBS=50] [DEVICES=30]
set -euo pipefail
cd "$(dirname "$0")/../.."
deploy/install-deps.sh
dotnet run -c Release --project tests/NetFleet.Cluster.Bench -- --jobs "${1:-50}" --devices "${2:-30}"
