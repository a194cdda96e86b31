#!/usr/bin/python3
"""Drives a lab Junos device's NETCONF personality with Debian's python3-ncclient, a client NetFleet did not write.

Usage: ncclient_lab_check.py HOST PORT USERNAME PASSWORD DEVICE_MINUTE_SECONDS [MODE]
MODE: "check" (the default) runs the whole check; "describe:IFACE" prints the running description of IFACE;
"no-netconf" expects the device to refuse NETCONF; "junos-handler" uses ncclient's junos device handler, whose
load_configuration, commit and get_configuration send Junos's own rpcs. Prints one JSON object on stdout; a failed expectation exits
non-zero with the reason on stderr.
"""
import json
import sys
import time

from ncclient import manager
from ncclient.operations import RPCError
from ncclient.transport.session import NetconfBase
from ncclient.xml_ import to_ele

XNM = "http://xml.juniper.net/xnm/1.1/xnm"
NS = {"x": XNM}
host, port, username, password, minute = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5])
mode = sys.argv[6] if len(sys.argv) > 6 else "check"
findings = {}


def expect(condition, what):
    if not condition:
        raise AssertionError(what)


def connect(handler="default"):
    # The default device handler speaks plain RFC 6241; the junos handler would send <commit-configuration> (minutes)
    # for commit, which the lab answers too but which is not what this check is about.
    return manager.connect(host=host, port=port, username=username, password=password, hostkey_verify=False,
                           look_for_keys=False, allow_agent=False, device_params={"name": handler}, timeout=30)


def description(m, source, interface):
    reply = m.get_config(source=source, filter=("subtree", f"""
        <configuration><interfaces><interface><name>{interface}</name><description/></interface></interfaces></configuration>"""))
    found = reply.data_ele.xpath("//x:interface/x:description/text()", namespaces=NS)
    return found[0] if found else None


def edit(m, xml, **options):
    return m.edit_config(target="candidate", config=f'<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">{xml}</config>', **options)


def interface_description(interface, text):
    return f'<configuration><interfaces><interface><name>{interface}</name><description>{text}</description></interface></interfaces></configuration>'


def main():
    if mode.startswith("describe:"):
        with connect() as m:
            print(json.dumps({"description": description(m, "running", mode.split(":", 1)[1])}))
        return
    if mode == "junos-handler":
        junos_handler()
        return
    if mode == "no-netconf":
        try:
            with connect():
                pass
        except Exception as e:  # ncclient raises its own transport errors; any of them means no NETCONF here.
            print(json.dumps({"refused": type(e).__name__, "message": str(e)}))
            return
        raise AssertionError("the device answered NETCONF")
    check()


def raw_get_config_ms(rounds=20):
    """Round trip of get-config over the real sshd without ncclient, whose send loop polls every 0.1 s (TICK)."""
    import paramiko
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(host, port=port, username=username, password=password, look_for_keys=False, allow_agent=False)
    channel = client.get_transport().open_session()
    channel.invoke_subsystem("netconf")
    buffer = b""

    def read_message():
        nonlocal buffer
        while b"]]>]]>" not in buffer:
            chunk = channel.recv(65536)
            expect(chunk, "the lab closed the raw NETCONF session")
            buffer += chunk
        message, _, buffer = buffer.partition(b"]]>]]>")
        return message

    read_message()
    channel.sendall(b'<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities>'
                    b'<capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>')
    started = time.perf_counter()
    for i in range(rounds):
        channel.sendall(b'<rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="%d"><get-config><source>'
                        b'<running/></source></get-config></rpc>]]>]]>' % i)
        expect(b"<configuration" in read_message(), "a raw get-config reply without <configuration>")
    elapsed = (time.perf_counter() - started) * 1000 / rounds
    client.close()
    return round(elapsed, 2)


def junos_handler():
    with connect("junos") as m:
        m.load_configuration(action="set", config=["set interfaces ge-0/0/5 description via-junos-handler"])
        m.commit(confirmed=True, timeout="60", comment="junos handler")
        m.commit(comment="confirmed by the junos handler")
        text = m.get_configuration(format="text", filter=to_ele(
            "<configuration><interfaces><interface><name>ge-0/0/5</name></interface></interfaces></configuration>"))
        shown = text.xpath("//configuration-text/text()")
        expect(shown and "description via-junos-handler;" in shown[0], f"get-configuration text: {text}")
        print(json.dumps({"configuration_text": shown[0]}))


def check():
    with connect() as m, connect() as other:
        caps = list(m.server_capabilities)
        findings["session_id"] = m.session_id
        findings["capabilities"] = caps
        findings["framing"] = "chunked" if m._session._base == NetconfBase.BASE_11 else "end-of-message"
        for needed in (":base:1.1", ":candidate", ":confirmed-commit:1.1", ":validate:1.1", ":rollback-on-error"):
            expect(needed in m.server_capabilities, f"server capability {needed} missing from {caps}")
        expect(":xpath" not in m.server_capabilities, "the server advertises :xpath, which it does not implement")
        expect(m.session_id and other.session_id and m.session_id != other.session_id, "sessions need distinct session-ids")

        running = m.get_config(source="running").data_ele
        expect(running.find(f"{{{XNM}}}configuration") is not None, "get-config running has no <configuration> in " + XNM)
        hostnames = running.xpath("//x:system/x:host-name/text()", namespaces=NS)
        findings["host_name"] = hostnames[0] if hostnames else None
        started, rounds = time.perf_counter(), 20
        for _ in range(rounds):
            m.get_config(source="running")
        findings["get_config_ms"] = round((time.perf_counter() - started) * 1000 / rounds, 2)
        findings["raw_get_config_ms"] = raw_get_config_ms()

        only = m.get_config(source="running", filter=("subtree", """
            <configuration><interfaces><interface><name>ge-0/0/0</name></interface></interfaces></configuration>""")).data_ele
        names = only.xpath("//x:interface/x:name/text()", namespaces=NS)
        expect(names == ["ge-0/0/0"], f"the subtree filter returned interfaces {names}, not just ge-0/0/0")
        expect(not only.xpath("//x:system", namespaces=NS), "the subtree filter returned <system>, which it did not ask for")

        m.lock("candidate")
        try:
            other.lock("candidate")
            raise AssertionError("a second session got the candidate lock the first one holds")
        except RPCError as e:
            expect(e.tag == "lock-denied", f"lock conflict answered {e.tag}, not lock-denied")
            holder = e.info and str(m.session_id) in e.info
            expect(holder, f"lock-denied does not name the holder's session-id {m.session_id}: {e.info}")
            findings["lock_denied"] = {"tag": e.tag, "message": e.message, "info": e.info}

        edit(m, interface_description("ge-0/0/2", "set-by-ncclient"))
        m.validate(source="candidate")
        expect(description(m, "candidate", "ge-0/0/2") == "set-by-ncclient", "the edit is not in the candidate")
        expect(description(m, "running", "ge-0/0/2") is None, "the edit reached running before a commit")
        m.commit(confirmed=True, timeout="60")
        expect(description(m, "running", "ge-0/0/2") == "set-by-ncclient", "the confirmed commit did not reach running")
        m.commit()
        m.unlock("candidate")
        time.sleep(minute * 1.5)
        expect(description(m, "running", "ge-0/0/2") == "set-by-ncclient", "a confirmed commit that was confirmed reverted")

        try:
            edit(m, '<configuration><interfaces><interface><name>ge-0/0/2</name><unit><name>not-a-number</name>'
                    '</unit></interface></interfaces></configuration>')
            raise AssertionError("an edit with unit 'not-a-number' was accepted")
        except RPCError as e:
            expect(e.tag == "invalid-value", f"the invalid edit answered {e.tag}, not invalid-value")
            findings["invalid_edit"] = {"tag": e.tag, "type": e.type, "path": e.path, "message": e.message}
        expect(description(m, "candidate", "ge-0/0/2") == "set-by-ncclient", "the rejected edit changed the candidate")

        try:
            edit(m, '<configuration><interfaces><interface xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"'
                    ' nc:operation="delete"><name>ge-0/0/9</name></interface></interfaces></configuration>')
            raise AssertionError("deleting a missing interface was accepted")
        except RPCError as e:
            expect(e.tag == "data-missing", f"deleting a missing interface answered {e.tag}, not data-missing")

        # A confirmed commit nobody confirms goes back by itself on the lab clock (60 s = one device minute).
        before = description(other, "running", "ge-0/0/3")
        edit(m, interface_description("ge-0/0/3", "reverts-by-itself"))
        m.commit(confirmed=True, timeout="60", persist="nf-persist")
        expect(description(other, "running", "ge-0/0/3") == "reverts-by-itself", "the second confirmed commit did not apply")
        deadline = time.time() + minute * 10
        while description(other, "running", "ge-0/0/3") != before and time.time() < deadline:
            time.sleep(minute / 4)
        expect(description(other, "running", "ge-0/0/3") == before, "the unconfirmed commit did not revert by itself")

        # cancel-commit with the persist id from another session.
        edit(m, interface_description("ge-0/0/3", "cancelled"))
        m.commit(confirmed=True, timeout="600", persist="nf-cancel")
        other.cancel_commit(persist_id="nf-cancel")
        expect(description(other, "running", "ge-0/0/3") == before, "cancel-commit did not restore running")

        try:
            m.dispatch("frobnicate")
            raise AssertionError("an unknown operation was accepted")
        except RPCError as e:
            expect(e.tag == "operation-not-supported", f"an unknown operation answered {e.tag}")

        m.discard_changes()

        # Without persist, a confirmed commit reverts as soon as its session ends unconfirmed (RFC 6241 8.4).
        quitter = connect()
        edit(quitter, interface_description("ge-0/0/3", "session-ends"))
        quitter.commit(confirmed=True, timeout="600")
        expect(description(other, "running", "ge-0/0/3") == "session-ends", "the quitter's confirmed commit did not apply")
        quitter.close_session()
        deadline = time.time() + 10
        while description(other, "running", "ge-0/0/3") != before and time.time() < deadline:
            time.sleep(0.1)
        expect(description(other, "running", "ge-0/0/3") == before, "a confirmed commit outlived its session")

        # A lock goes with its session: killed by another session, or closed.
        victim = connect()
        victim.lock("candidate")
        other.kill_session(victim.session_id)
        other.lock("candidate")
        other.unlock("candidate")
        closing = connect()
        closing.lock("candidate")
        closing.close_session()
        other.lock("candidate")
        other.unlock("candidate")

    print(json.dumps(findings))


main()
