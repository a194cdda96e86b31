#!/usr/bin/env bash
# Client cost of `show version` on a lab of IOS devices, three ways: netfleet, `parallel-ssh -p 50` and
# `ansible-playbook -f 50` (network_cli, cisco.ios). Each tool runs in a cgroup of its own (cpuacct), so its
# client CPU is the user+sys time of its whole process tree, daemonized helpers included (Ansible's persistent
# ansible-connection processes, every ssh of parallel-ssh); the lab's sshd and device processes are not in it.
# Prints one table: wall time, client CPU, CPU per device, devices answered.
#
#   deploy/bench-clients.sh [-n DEVICES] [-f "FORKS..."] [-r ROUNDS] [--ios-variant NAME] [--lab-spec LAB.yaml] [--skip-ansible]
#
# -f takes a list of netfleet fork counts ("default" is netfleet's own default), each a row of the table.
# --ios-variant picks the lab's IOS personality (default no-archive: an IOS without `archive`, as the devices
# operators meet; see `netfleet lab up --help`); --lab-spec serves a hand-written lab inventory instead.
set -euo pipefail
cd "$(dirname "$0")/.."
devices=100
forks="default 50"
rounds=1
lab_spec=""
ios_variant=no-archive
ansible=true
while [[ $# -gt 0 ]]; do
  case $1 in
    -n) devices=$2; shift 2 ;;
    -f) forks=$2; shift 2 ;;
    -r) rounds=$2; shift 2 ;;
    --lab-spec) lab_spec=$(realpath "$2"); shift 2 ;;
    --ios-variant) ios_variant=$2; shift 2 ;;
    --skip-ansible) ansible=false; shift ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done

# The bench's own peers: not needed by the tests, so not in install-deps.sh's default list.
deploy/install-deps.sh openssh-server openssh-client pssh ansible python3-paramiko
source deploy/bench-lib.sh
bench_start clients

if [[ -n $lab_spec ]]; then
  "$netfleet" lab up --spec "$lab_spec" --port "$port" --dir "$lab" >/dev/null
else
  "$netfleet" lab up --devices "$devices" --platforms ios --ios-variant "$ios_variant" --port "$port" --dir "$lab" >/dev/null
fi
mapfile -t hosts < <(awk '/^[^ #].*:$/ {name=substr($1, 1, length($1)-1)} /hostname:/ {print name " " $2}' "$lab/inventory/hosts.yaml")
devices=${#hosts[@]}

cat > "$work/show.yaml" <<'EOF'
- name: Show version
  hosts: all
  tasks:
    - name: Read the software version
      command: show version
EOF
for h in "${hosts[@]}"; do echo "${h#* }:$port"; done > "$work/pssh-hosts"
{
  echo "[ios]"
  for h in "${hosts[@]}"; do echo "${h% *} ansible_host=${h#* }"; done
  echo "[ios:vars]"
  echo "ansible_connection=ansible.netcommon.network_cli"
  echo "ansible_network_os=cisco.ios.ios"
  echo "ansible_port=$port"
  echo "ansible_user=nflab"
  echo "ansible_ssh_private_key_file=$lab/keys/id_ed25519"
  echo "ansible_python_interpreter=/usr/bin/python3"
} > "$work/ansible-hosts.ini"
cat > "$work/ansible-show.yaml" <<'EOF'
- hosts: ios
  gather_facts: false
  tasks:
    - cisco.ios.ios_command:
        commands: [show version]
EOF

# measure_answered NAME COMMAND...: measure, then "NAME wall cpu answered" with the devices that answered.
measure_answered() {
  local name=$1
  measure "$@"
  local answered
  case $name in
    netfleet*) answered=$(grep -c ',ok,' "$work/out" || true) ;;
    parallel-ssh*) answered=$(grep -c 'Cisco IOS Software' "$work/pssh-out"/* 2>/dev/null | awk -F: '$2 > 0' | wc -l) ;;
    ansible*) answered=$(grep -cE '^ok: \[' "$work/out" || true) ;;
  esac
  echo "$name $measured_wall $measured_cpu $answered"
}

# One untimed run first: the lab's devices and the page cache warm up, so no tool pays for being first.
"$netfleet" run "$work/show.yaml" -i "$lab/inventory" --known-hosts "$lab/known_hosts" --store "sqlite:$work/warm.db" \
  --log-file "$work/warm.json" -o csv > /dev/null 2>&1 || true
results=()
for round in $(seq "$rounds"); do
  for f in $forks; do
    args=(run "$work/show.yaml" -i "$lab/inventory" --known-hosts "$lab/known_hosts" --store "sqlite:$work/jobs.db"
      --log-file "$work/run.json" -o csv)
    [[ $f == default ]] || args+=(-f "$f")
    results+=("$(measure_answered "netfleet-f-$f" "$netfleet" "${args[@]}")")
  done
  rm -rf "$work/pssh-out"
  results+=("$(measure_answered parallel-ssh-p-50 parallel-ssh -p 50 -t 60 -h "$work/pssh-hosts" -l nflab -o "$work/pssh-out" \
    -x "-i $lab/keys/id_ed25519 -o IdentitiesOnly=yes -o UserKnownHostsFile=$lab/known_hosts -o BatchMode=yes" "show version")")
  if $ansible; then
    # Host keys: paramiko would read ~/.ssh/known_hosts only; the lab's keys are in the lab's own file.
    results+=("$(cd "$work" && measure_answered ansible-playbook-f-50 env ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_NOCOLOR=1 \
      /usr/bin/python3 /usr/bin/ansible-playbook -i "$work/ansible-hosts.ini" "$work/ansible-show.yaml" -f 50)")
  fi
done

print_table "$devices IOS devices, show version, $rounds round(s)" "$devices" "${results[@]}"
