#!/usr/bin/env bash
# The main job on embedded defaults: start the device lab, drive one device through its modes
# over real SSH, and stop the lab again.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh openssh-server openssh-client clang zlib1g-dev
deploy/build.sh
netfleet=artifacts/netfleet/netfleet
lab=.netfleet-lab
trap '"$netfleet" lab down --dir "$lab" >/dev/null || true' EXIT

"$netfleet" lab up --devices 6 --dir "$lab" --inventory inventory
echo
echo "== Logging into ios-1 (127.0.1.1) with OpenSSH and walking through its modes"
# Type one line at a time, as a person (or a driver waiting for each prompt) would.
type_slowly() { for line in "$@"; do sleep 0.3; printf '%s\r' "$line"; done; sleep 0.5; }
type_slowly "terminal length 0" "enable" "$(cat "$lab/enable_secret")" "show version" "configure terminal" \
    "interface Loopback99" "description set by the NetFleet demo" "end" \
    "show running-config | section Loopback99" "exit" |
  ssh -tt -p 10022 -i "$lab/keys/id_ed25519" -o IdentitiesOnly=yes -o BatchMode=yes \
    -o UserKnownHostsFile="$lab/known_hosts" -o LogLevel=ERROR nflab@127.0.1.1
echo
"$netfleet" lab status --dir "$lab"
