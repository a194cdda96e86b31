#!/usr/bin/env bash
# The main job on embedded defaults: start the device lab (6 devices: Cisco IOS, Arista EOS,
# Juniper Junos), run the sample playbook against the repository's inventory over real SSH
# (show version, push two NTP servers, check them), print the recap, stop the lab.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh openssh-server openssh-client clang zlib1g-dev
deploy/build.sh
netfleet=artifacts/netfleet/netfleet
lab=.netfleet-lab
trap '"$netfleet" lab down --dir "$lab" >/dev/null || true' EXIT

"$netfleet" lab up --devices 6 --dir "$lab" --inventory inventory
# Start from factory configuration so that the push shows as a change every time.
"$netfleet" lab reset --dir "$lab" >/dev/null
echo
"$netfleet" run playbooks/sample.yaml -i inventory --known-hosts "$lab/known_hosts" "$@"
