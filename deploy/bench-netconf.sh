#!/usr/bin/env bash
# Client cost of NETCONF get-config (running) on a lab of Junos devices, two ways: netfleet (playbooks/bench-netconf.yaml,
# one netconf_get, forks as `run` defaults them) and Debian's python3-ncclient from Python (50 threads, one session per
# device, deploy/bench/ncclient_get_config.py). Both connect, authenticate with the lab's key, exchange hellos,
# get-config and close. Client CPU is measured per tool in a cgroup of its own (deploy/bench-lib.sh).
#
#   deploy/bench-netconf.sh [-n DEVICES] [-r ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
devices=200
rounds=1
while [[ $# -gt 0 ]]; do
  case $1 in
    -n) devices=$2; shift 2 ;;
    -r) rounds=$2; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done

deploy/install-deps.sh openssh-server openssh-client python3-ncclient
source deploy/bench-lib.sh
bench_start netconf

"$netfleet" lab up --devices "$devices" --platforms junos --port "$port" --dir "$lab" >/dev/null
awk '/^[^ #].*:$/ {name=substr($1, 1, length($1)-1)} /hostname:/ {print name " " $2}' "$lab/inventory/hosts.yaml" > "$work/hosts"
devices=$(wc -l < "$work/hosts")
# One untimed run first: the lab's devices and the page cache warm up, so neither tool pays for being first.
"$netfleet" run playbooks/bench-netconf.yaml -i "$lab/inventory" --known-hosts "$lab/known_hosts" --store "sqlite:$work/warm.db" \
  --log-file "$work/warm.json" -o csv > /dev/null 2>&1 || true
results=()
for round in $(seq "$rounds"); do
  measure netfleet "$netfleet" run playbooks/bench-netconf.yaml -i "$lab/inventory" --known-hosts "$lab/known_hosts" \
    --store "sqlite:$work/jobs.db" --log-file "$work/run.json" -o csv
  results+=("netfleet $measured_wall $measured_cpu $(grep -c ',ok,' "$work/out" || true)")
  measure ncclient-50-threads /usr/bin/python3 deploy/bench/ncclient_get_config.py "$work/hosts" "$port" nflab "$lab/keys/id_ed25519" 50
  results+=("ncclient-50-threads $measured_wall $measured_cpu $(awk '/^answered/ {print $2}' "$work/out")")
  grep -v '^answered' "$work/out" | head -3 >&2 || true
done

print_table "$devices Junos lab devices, NETCONF get-config running, $rounds round(s)" "$devices" "${results[@]}"
