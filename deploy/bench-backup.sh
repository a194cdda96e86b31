#!/usr/bin/env bash
# Cost of `netfleet backup` on a lab of DEVICES devices (ios, eos and junos in turn): wall time and client CPU (the
# netfleet process tree's user+sys in a cgroup of its own; the lab's sshd and devices are not in it). Three rounds: the
# first backup into an empty archive (every device's files committed), one where nothing changed (no commit), and one
# after a change made with the OpenSSH client on one device (one file committed, one drift); and, first, `netfleet run`
# of `show version` on the same lab as a baseline.
#
#   deploy/bench-backup.sh [-n DEVICES]
set -euo pipefail
cd "$(dirname "$0")/.."
devices=200
while [[ $# -gt 0 ]]; do
  case $1 in
    -n) devices=$2; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done

source deploy/bench-lib.sh
bench_start backup

"$netfleet" lab up --devices "$devices" --port "$port" --dir "$lab" >/dev/null
args=(backup -i "$lab/inventory" --known-hosts "$lab/known_hosts" --store "sqlite:$work/jobs.db" --configs "$work/configs" -o json)
rows=()
backup() {
  measure "$1" "$netfleet" "${args[@]}"
  local answered; answered=$(grep -o '"backed_up": [0-9]*' "$work/out" | grep -o '[0-9]*$' || echo 0)
  rows+=("$1 $measured_wall $measured_cpu $answered")
  grep -E '"(commit|changed|drift)"' -A0 "$work/out" | tr -d '\n' >&2; echo >&2
}
# The same logins with one show command and no archive, as a baseline on the same lab and machine.
cat > "$work/show.yaml" <<'YAML'
- name: Show version
  hosts: all
  tasks:
    - command: show version
YAML
measure "run-show-version" "$netfleet" run "$work/show.yaml" -i "$lab/inventory" --known-hosts "$lab/known_hosts" --store "sqlite:$work/run.db" \
  --configs "$work/run-configs" -o json
rows+=("run-show-version $measured_wall $measured_cpu $(grep -c '"status": "ok"' "$work/out" || true)")
backup "backup-empty-archive"
backup "backup-unchanged"
read -r name address < <(awk '/^[^ #].*:$/ {name=substr($1, 1, length($1)-1)} /hostname:/ && name ~ /^ios/ {print name " " $2; exit}' "$lab/inventory/hosts.yaml")
printf 'terminal length 0\renable\r%s\rconfigure terminal\rinterface Loopback99\rdescription bench drift\rend\rexit\r' \
  "$(cat "$lab/enable_secret")" \
  | ssh -tt -p "$port" -i "$lab/keys/id_ed25519" -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile="$lab/known_hosts" \
      -o StrictHostKeyChecking=yes -o LogLevel=ERROR "nflab@$address" >/dev/null 2>&1 || echo "the OpenSSH change on $name failed" >&2
backup "backup-one-drifted"
print_table "netfleet backup, $devices lab devices" "$devices" "${rows[@]}"
