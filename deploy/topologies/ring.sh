#!/usr/bin/env bash
# Writes a topology of N FRRouting routers in a ring to stdout (3 <= N <= 254):
#   deploy/topologies/ring.sh 24 > /tmp/ring24.yaml && netfleet lab up --topology /tmp/ring24.yaml --wait
# The ring runs OSPF (area 0, point-to-point links; 1 s hellos and no LSA or SPF hold-downs so that it
# converges in about a second instead of FRR's default 5 s LSA interval per change) and
# carries every loopback; iBGP (AS 65000) runs over those loopbacks with r1 as route reflector for
# all the others, so BGP comes up only once OSPF works. Each router announces 198.19.I.0/24 (a
# static blackhole) into BGP; `timers connect 1` retries a session that was reset (a rollback) within
# seconds instead of FRR's 120 s. Router I: loopback 198.19.255.I, management 127.0.2.I; link I joins
# rI:eth1 to the next router's eth2. Addresses only from 198.18.0.0/15 and 2001:db8::/32.
# deploy/topologies/ring6.yaml is this script's output for N=6.
set -euo pipefail
n=${1:?usage: ring.sh N (3 to 254 routers)}
if ! [[ $n =~ ^[0-9]+$ ]] || (( n < 3 || n > 254 )); then
  echo "ring.sh: N must be a number from 3 to 254, not '$n'" >&2
  exit 2
fi

echo "# $n FRRouting routers in a ring: OSPF in the ring, iBGP over the OSPF loopbacks with r1 as route"
echo "# reflector, each router announcing 198.19.I.0/24. Written by deploy/topologies/ring.sh $n."
echo "routers:"
for ((i = 1; i <= n; i++)); do
  cat <<ROUTER
  r$i:
    daemons: [zebra, staticd, bgpd, ospfd]
    loopback: 198.19.255.$i/32
    config: |
      interface eth1
       ip ospf area 0
       ip ospf network point-to-point
       ip ospf hello-interval 1
       ip ospf dead-interval 4
      exit
      interface eth2
       ip ospf area 0
       ip ospf network point-to-point
       ip ospf hello-interval 1
       ip ospf dead-interval 4
      exit
      interface lo
       ip ospf area 0
       ip ospf passive
      exit
      router ospf
       ospf router-id 198.19.255.$i
       timers throttle lsa all 0
       timers lsa min-arrival 0
       timers throttle spf 0 50 500
      exit
      ip route 198.19.$i.0/24 blackhole
      router bgp 65000
       bgp router-id 198.19.255.$i
ROUTER
  if ((i == 1)); then
    peers=$(seq 2 "$n")
  else
    peers=1
  fi
  for p in $peers; do
    cat <<PEER
       neighbor 198.19.255.$p remote-as internal
       neighbor 198.19.255.$p update-source lo
       neighbor 198.19.255.$p timers connect 1
PEER
  done
  echo "       address-family ipv4 unicast"
  echo "        network 198.19.$i.0/24"
  if ((i == 1)); then
    for p in $peers; do
      echo "        neighbor 198.19.255.$p route-reflector-client"
    done
  fi
  echo "       exit-address-family"
  echo "      exit"
done

echo "links:"
for ((k = 1; k <= n; k++)); do
  next=$((k % n + 1))
  echo "  - endpoints: [r$k:eth1, r$next:eth2]"
  echo "    ipv4: 198.18.$((k / 128)).$(((k % 128) * 2))/31"
  echo "    ipv6: 2001:db8:0:$k::/127"
done
