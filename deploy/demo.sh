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
printf 'terminal length 0\renable\r%s\rshow version\rconfigure terminal\rinterface Loopback99\rdescription set by the NetFleet demo\rend\rshow running-config interface Loopback99\rexit\r' \
  "$(cat "$lab/enable_secret")" |
  ssh -tt -p 10022 -i "$lab/keys/id_ed25519" -o IdentitiesOnly=yes -o BatchMode=yes \
    -o UserKnownHostsFile="$lab/known_hosts" -o LogLevel=ERROR nflab@127.0.1.1
echo
"$netfleet" lab status --dir "$lab"
