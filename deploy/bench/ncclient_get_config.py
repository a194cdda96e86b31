#!/usr/bin/python3
"""get-config of running on every host of a list, with Debian's python3-ncclient, N sessions at a time.

    ncclient_get_config.py HOSTS_FILE PORT USERNAME KEY_FILE [PARALLEL]

HOSTS_FILE holds one "name address" per line. Prints one line per host that failed and, last, "answered N".
The comparison for deploy/bench-netconf.sh: what a Python NETCONF user runs for the same work.
"""
import sys
from concurrent.futures import ThreadPoolExecutor

from ncclient import manager


def get_config(address, port, username, key_file):
    # Host keys unchecked: ncclient reads them from ~/.ssh/known_hosts only, and the lab's are in its own file.
    with manager.connect(host=address, port=port, username=username, key_filename=key_file,
                         hostkey_verify=False, allow_agent=False, look_for_keys=False,
                         timeout=60, manager_params={"timeout": 60}) as session:
        reply = session.get_config(source="running")
        return len(reply.data_xml)


def main():
    hosts_file, port, username, key_file = sys.argv[1:5]
    parallel = int(sys.argv[5]) if len(sys.argv) > 5 else 50
    hosts = [line.split() for line in open(hosts_file) if line.strip()]
    answered = 0
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        futures = {pool.submit(get_config, address, int(port), username, key_file): name for name, address in hosts}
        for future, name in futures.items():
            try:
                if future.result() > 0:
                    answered += 1
            except Exception as error:  # noqa: BLE001 - a failed host is reported and counted, not fatal
                print(f"{name}: {type(error).__name__}: {error}")
    print(f"answered {answered}")


if __name__ == "__main__":
    main()
