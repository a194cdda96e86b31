# Sourced by deploy/bench-*.sh: client CPU measured per tool in a cgroup of its own (cpuacct), so it is the user+sys time
# of the tool's whole process tree, daemonized helpers included; the lab's sshd and device processes are not in it.
# The sourcing script calls bench_start first.

cgroot=/sys/fs/cgroup/cpuacct
[[ -w $cgroot ]] || { echo "needs root and the cgroup v1 cpuacct controller at $cgroot" >&2; exit 1; }

# Removes the cgroups this script made.
bench_cleanup_cgroups() {
  for cg in "$cgroot"/netfleet-bench-$$-*; do [[ -d $cg ]] && rmdir "$cg" 2>/dev/null || true; done
}

# bench_start NAME: sets $netfleet (the CLI, built if missing), $work (a scratch folder), $lab (the lab's folder in it) and
# $port (the lab's, below the ephemeral range so no client socket holds it); on exit the lab goes down, the cgroups and
# the scratch folder are removed.
bench_start() {
  [[ -x artifacts/netfleet/netfleet ]] || deploy/build.sh
  netfleet=$PWD/artifacts/netfleet/netfleet
  work=$(mktemp -d "/tmp/netfleet-bench-$1-XXXXXX")
  lab=$work/lab
  port=$((20000 + RANDOM % 12000))
  trap bench_cleanup EXIT
}

bench_cleanup() {
  "$netfleet" lab down --dir "$lab" >/dev/null 2>&1 || true
  bench_cleanup_cgroups
  rm -rf "$work"
}

# measure NAME COMMAND...: runs COMMAND in a fresh cpuacct cgroup with stdout in $work/out and stderr in $work/err;
# sets measured_wall and measured_cpu (seconds, two decimals). A failing command is reported, not fatal.
measure() {
  local name=$1; shift
  local cg=$cgroot/netfleet-bench-$$-$RANDOM
  mkdir "$cg"
  local start end status=0
  start=$(date +%s.%N)
  (echo $BASHPID > "$cg/cgroup.procs"; exec "$@") > "$work/out" 2> "$work/err" || status=$?
  end=$(date +%s.%N)
  # Daemonized helpers (Ansible's persistent connections) may outlive the command; their CPU counts too.
  for _ in $(seq 100); do [[ -s $cg/cgroup.procs ]] || break; sleep 0.1; done
  local cpu_ns; cpu_ns=$(cat "$cg/cpuacct.usage")
  rmdir "$cg" 2>/dev/null || true
  [[ $status -eq 0 ]] || echo "$name exited with $status; its stderr ends with: $(tail -3 "$work/err")" >&2
  measured_wall=$(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.2f", e - s}')
  measured_cpu=$(awk -v c="$cpu_ns" 'BEGIN {printf "%.2f", c / 1e9}')
}

# print_table TITLE DEVICES ROW...: each ROW is "name wall cpu answered".
print_table() {
  local title=$1 devices=$2; shift 2
  printf '\n%s, %d cores\n' "$title" "$(nproc)"
  printf '%-26s %8s %14s %16s %9s\n' tool "wall s" "client CPU s" "CPU ms/device" answered
  local r name wall cpu answered
  for r in "$@"; do
    read -r name wall cpu answered <<< "$r"
    printf '%-26s %8s %14s %16s %9s\n' "$name" "$wall" "$cpu" "$(awk -v c="$cpu" -v n="$devices" 'BEGIN {printf "%.1f", c * 1000 / n}')" "$answered/$devices"
  done
}
