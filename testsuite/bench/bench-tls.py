#!/usr/bin/env python3
"""The cost of TLS in sessions per second against pop3d -d on loopback.

One session: connect, greeting, CAPA, QUIT, close -- in clear, with a
full TLS handshake (implicit TLS, or STLS on the plain port), and with a
resumed one (the ticket of the client's previous session).  Each figure
is the median of BENCH_ROUNDS (default 3) samples of BENCH_SECONDS
(default 1) each, the modes taking turns so that a burst of other load
does not fall on one of them; with 1 client, then with BENCH_CLIENTS
(default 4) clients at once.  Client and server share the machine's
CPUs, and every session forks pop3d processes, so the server's CPU time
per session (from /proc: the daemon's reaped children) is shown too: it
does not depend on what else the machine is doing.  Certificates: ECDSA
P-256 (the default pair) and RSA 2048 (chosen by SNI).

Run by `make bench`; prints a table, exits 0 (1 if a session failed)."""

import os
import socket
import ssl
import sys
import threading
import time

import pop3test
from pop3test import Setup, TempDir, check
from tlstest import Pki, client_context, start_tls_daemon, tls_settings

SECONDS = float(os.environ.get("BENCH_SECONDS", "1"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
TICK = os.sysconf("SC_CLK_TCK")


def children_cpu(pid):
    """CPU seconds of the daemon's children reaped so far (cutime +
    cstime, which include their own reaped children)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / TICK


def read_until(sock, end, buf=b""):
    while end not in buf:
        data = sock.recv(65536)
        if not data:
            raise RuntimeError("closed early; have %r" % buf[-200:])
        buf += data
    return buf[buf.index(end) + len(end):]


def pop3_exchange(sock, greeting=True):
    rest = read_until(sock, b"\r\n") if greeting else b""
    sock.sendall(b"CAPA\r\n")
    rest = read_until(sock, b"\r\n.\r\n", rest)
    sock.sendall(b"QUIT\r\n")
    read_until(sock, b"signing off\r\n", rest)


class Mode:
    def __init__(self, name, port, ctx=None, sni=None, stls=False,
                 resume=False):
        self.name, self.port, self.ctx, self.sni = name, port, ctx, sni
        self.stls, self.resume = stls, resume

    def session(self, state):
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        # as real clients do: else Nagle holds the command that follows
        # the client's Finished until the server's delayed ACK (40 ms)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            if self.ctx is None:
                pop3_exchange(raw)
                return
            if self.stls:
                rest = read_until(raw, b"\r\n")
                raw.sendall(b"STLS\r\n")
                read_until(raw, b"\r\n", rest)
            sock = self.ctx.wrap_socket(
                raw, server_hostname=self.sni,
                session=state.get("session") if self.resume else None)
            pop3_exchange(sock, greeting=not self.stls)
            if self.resume:
                if state.get("session") is not None and \
                        not sock.session_reused:
                    state["not_resumed"] = state.get("not_resumed", 0) + 1
                state["session"] = sock.session
            sock.close()
        finally:
            raw.close()


def measure(mode, clients, daemon_pid):
    counts = [0] * clients
    errors = []
    stop = time.monotonic() + SECONDS
    states = [{} for _ in range(clients)]

    if mode.resume:                     # a ticket to start from
        for st in states:
            mode.session(st)

    def loop(i):
        try:
            while time.monotonic() < stop:
                mode.session(states[i])
                counts[i] += 1
        except Exception as e:          # reported, not hidden
            errors.append("%s: %r" % (mode.name, e))

    time.sleep(0.1)                     # the warm-up's children reaped
    cpu0 = children_cpu(daemon_pid)
    start = time.monotonic()
    threads = [threading.Thread(target=loop, args=(i,))
               for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    spent = time.monotonic() - start
    time.sleep(0.2)                     # let the last children be reaped
    cpu = children_cpu(daemon_pid) - cpu0
    not_resumed = sum(st.get("not_resumed", 0) for st in states)
    return (sum(counts) / spent, 1000.0 * cpu / max(sum(counts), 1), errors,
            not_resumed)


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def main():
    tmp = TempDir(prefix="pop3bench-")
    pki = Pki(tmp)
    rsa_cert, rsa_key = pki.make_server("rsa.test", ["rsa.test"],
                                        key_type="rsa")
    st = Setup(tmp, extra=tls_settings(
        pki,
        pop3_certificate_path="%s:%s" % (pki.cert, rsa_cert),
        pop3_private_key_path="%s:%s" % (pki.key, rsa_key),
        pop3_log_level="3",             # errors only: measure TLS, not logs
        context_num="100"))
    d = start_tls_daemon(st)
    tls13 = client_context(pki, minimum=ssl.TLSVersion.TLSv1_3)
    tls12 = client_context(pki, maximum=ssl.TLSVersion.TLSv1_2)

    modes = [
        Mode("plain (no TLS)", d.port),
        Mode("TLS 1.3 full handshake, ECDSA P-256", d.tls_port, tls13,
             "pop3.test"),
        Mode("TLS 1.3 resumed, ECDSA P-256", d.tls_port, tls13, "pop3.test",
             resume=True),
        Mode("TLS 1.3 full handshake, RSA 2048", d.tls_port, tls13,
             "rsa.test"),
        Mode("TLS 1.3 resumed, RSA 2048", d.tls_port, tls13, "rsa.test",
             resume=True),
        Mode("TLS 1.2 full handshake, ECDSA P-256", d.tls_port, tls12,
             "pop3.test"),
        Mode("TLS 1.2 resumed, ECDSA P-256", d.tls_port, tls12, "pop3.test",
             resume=True),
        Mode("STLS, TLS 1.3 full handshake, ECDSA", d.port, tls13,
             "pop3.test", stls=True),
    ]
    print("pop3d TLS benchmark: sessions/s (connect, greeting, CAPA, QUIT)")
    print("median of %d x %g s per figure, loopback, %d CPUs shared by "
          "clients and server" % (ROUNDS, SECONDS, os.cpu_count() or 0))
    failed = False
    samples = {(m.name, c): ([], []) for m in modes for c in (1, CLIENTS)}
    for _ in range(ROUNDS):
        for mode in modes:
            for clients in (1, CLIENTS):
                rate, cpu_ms, errors, not_resumed = measure(mode, clients,
                                                            d.proc.pid)
                if errors:
                    failed = True
                    print("  errors:", "; ".join(errors[:3]))
                if not_resumed:
                    failed = True
                    print("  %s: %d sessions were not resumed"
                          % (mode.name, not_resumed))
                samples[mode.name, clients][0].append(rate)
                samples[mode.name, clients][1].append(cpu_ms)
    print()
    print("%-38s %9s %11s %9s %14s" % ("", "1 client", "%d clients"
                                        % CLIENTS, "vs plain",
                                        "server CPU/s."))
    plain = None
    for mode in modes:
        one = median(samples[mode.name, 1][0])
        many = median(samples[mode.name, CLIENTS][0])
        cpu = median(samples[mode.name, 1][1] + samples[mode.name, CLIENTS][1])
        if plain is None:
            plain = many
        print("%-38s %9.0f %11.0f %8.0f%% %11.2f ms" % (
            mode.name, one, many, 100.0 * many / plain, cpu))
    sys.stdout.flush()
    check(d.stop() == 0, "pop3d stopped cleanly")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        status = main()
    finally:
        pop3test._cleanup_all()         # the daemon, the temporary files
    sys.exit(status)
