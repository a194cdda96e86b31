#!/usr/bin/env bash
# Cost of an inventory's size: for each SIZE, `netfleet inventory generate` writes SIZE hosts, 100 per site, and
# `netfleet validate` and `netfleet run --check --limit 'data.site == "site-7"'` of playbooks/sample.yaml are measured:
# wall time, client CPU (the process tree's user+sys, see bench-lib.sh) and peak RSS. Every size selects the same 100
# hosts, so what grows from row to row is the inventory's cost; the last columns divide CPU time by the size, and the
# marginal one by the hosts added since the row before, which stays flat when the cost is linear (CPU, not wall time: on a
# busy machine wall time says more about the neighbours). Site 7's hosts have loopback
# addresses where nothing listens (port 1): the run plans its job, finds the first host of its first batch unreachable
# and halts on the playbook's max_fail_percentage, so no device time hides the planning.
#
#   deploy/bench-inventory.sh [-n "10000 50000 100000"]
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="10000 50000 100000"
while [[ $# -gt 0 ]]; do
  case $1 in
    -n) sizes=$2; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done

source deploy/bench-lib.sh
bench_start inventory
export NETFLEET_PASSWORD=bench
playbook=$PWD/playbooks/sample.yaml
hosts_per_site=100

# timed NAME COMMAND...: `measure` with the peak RSS (MB) in measured_rss; run --check's exit codes for unreachable hosts
# (4) and a halted job (2) are what this bench expects, not failures.
timed() {
  local name=$1; shift
  measure "$name" bash -c '/usr/bin/time -f %M -o "$0" "$@"; rc=$?; [[ $rc == 0 || $rc == 2 || $rc == 4 ]]' "$work/rss" "$@"
  measured_rss=$(awk '/^[0-9]+$/ {printf "%.0f", $1 / 1024}' "$work/rss")
}

rows=()
for size in $sizes; do
  inventory=$work/inventory-$size
  "$netfleet" inventory generate --hosts "$size" --sites $((size / hosts_per_site)) --port 1 --out "$inventory" >/dev/null
  timed "validate-$size" "$netfleet" validate "$playbook" -i "$inventory"
  rows+=("validate $size $measured_wall $measured_cpu $measured_rss $(grep -q ': valid' "$work/out" && echo valid || echo invalid)")
  timed "run-check-$size" "$netfleet" run "$playbook" -i "$inventory" --check --limit 'data.site == "site-7"' \
    --store "sqlite:$work/jobs-$size.db" --known-hosts "$work/known_hosts" --log-file "$work/run-$size.json"
  rows+=("run--check $size $measured_wall $measured_cpu $measured_rss $(grep -o 'on [0-9]* device' "$work/err" | head -1 | grep -o '[0-9]*' || echo 0)-hosts-planned")
  rm -rf "$inventory"
done

printf '\nnetfleet with generated inventories (%d hosts per site, site-7 selected), %d cores\n' "$hosts_per_site" "$(nproc)"
printf '%-11s %8s %7s %6s %7s %11s %8s %s\n' command hosts "wall s" "CPU s" "RSS MB" "CPU µs/host" "marginal" result
for command in validate run--check; do
  previous_size=0 previous_cpu=0
  for r in "${rows[@]}"; do
    read -r name size wall cpu rss result <<< "$r"
    [[ $name == "$command" ]] || continue
    marginal=$([[ $previous_size -gt 0 ]] && awk -v w="$cpu" -v p="$previous_cpu" -v s="$size" -v q="$previous_size" \
      'BEGIN {printf "%.1f", (w - p) * 1e6 / (s - q)}' || echo -)
    printf '%-11s %8d %7s %6s %7s %11s %8s %s\n' "$command" "$size" "$wall" "$cpu" "$rss" \
      "$(awk -v w="$cpu" -v s="$size" 'BEGIN {printf "%.1f", w * 1e6 / s}')" "$marginal" "${result//-/ }"
    previous_size=$size previous_cpu=$cpu
  done
done
