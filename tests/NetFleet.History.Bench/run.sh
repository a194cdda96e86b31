#!/usr/bin/env bash
# The job history benchmark (not part of the test suite): jobs of 500 to 5,000 synthetic hosts on SQLite and PostgreSQL.
# Usage (root, for PostgreSQL): tests/NetFleet.History.Bench/run.sh [DEVICES=500,1000,2000,5000] [STORES=sqlite,postgres]
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet run -c Release --project tests/NetFleet.History.Bench -- --devices "${1:-500,1000,2000,5000}" --stores "${2:-sqlite,postgres}"
