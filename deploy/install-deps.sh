#!/usr/bin/env bash
# Installs, as root and only when missing, the Debian packages NetFleet's lab and tests need.
# Package scripts must not start the system's own daemons (sshd on :22, snmpd, PostgreSQL): the lab
# and the tests start private instances of their own, so a policy-rc.d refuses service starts
# while apt runs.
set -euo pipefail

packages=("$@")
if [[ ${#packages[@]} -eq 0 ]]; then
  packages=(openssh-server openssh-client snmp snmpd libpcap0.8 tcpdump iproute2 postgresql python3-textfsm clang zlib1g-dev docker-compose chromium frr frr-pythontools iputils-ping netconfd netconfd-module-ietf-interfaces netconfd-module-ietf-system python3-ncclient)
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $EUID -ne 0 ]]; then
  echo "NetFleet needs these Debian packages: ${missing[*]}" >&2
  echo "Run as root (or: sudo apt-get install -y ${missing[*]})" >&2
  exit 1
fi

echo "Installing Debian packages: ${missing[*]}"
policy=/usr/sbin/policy-rc.d
own_policy=false
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && own_policy=true
fi
trap '$own_policy && rm -f "$policy"' EXIT
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
