"""SCRAM-SHA-1-PLUS and SCRAM-SHA-256-PLUS (RFC 5802 section 6): offered
only once TLS runs; the channel binding (tls-unique under TLS 1.2,
RFC 5929) must match the server's, so a login relayed by a man in the
middle fails; a plain SCRAM client that says "y" (it could bind, but the
-PLUS variants seemed not offered) is refused over TLS, as a stripped
CAPA would look; plain SCRAM ("n") still works over TLS 1.2 and 1.3.
(The client here is Python's: gsasl(1) binds with tls-exporter only,
which Python's ssl module cannot compute.)"""
import ssl

from pop3test import *
from authtest import *
from tlstest import Pki, TlsSocket, client_context, tls_settings

OK = b"+OK alice has 0 messages (0 octets)\r\n"
FAILED = b"-ERR [AUTH] invalid user name or password\r\n"


def sasl_line(c):
    c.send("CAPA\r\n")
    for line in c.read_multi().split(b"\r\n"):
        if line.startswith(b"SASL "):
            return line.decode().split()[1:]
    return []


def main():
    tmp = TempDir()
    pki = Pki(tmp)
    st = Setup(tmp, msgs=[], extra=dict(tls_settings(pki),
                                        pop3_auth_times="100"))
    tls12 = client_context(pki, maximum=ssl.TLSVersion.TLSv1_2)
    tls13 = client_context(pki, minimum=ssl.TLSVersion.TLSv1_3)
    with Pop3Daemon(st) as d:
        def stls(ctx):
            c = TlsSocket("127.0.0.1", d.port, implicit=False)
            check("SCRAM-SHA-256-PLUS" not in sasl_line(c),
                  "no -PLUS before TLS")
            c.stls(ctx, server_hostname="pop3.test")
            return c

        c = stls(tls12)
        check_eq(sasl_line(c), ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256",
                                "SCRAM-SHA-1-PLUS", "SCRAM-SHA-1", "PLAIN",
                                "LOGIN"], "CAPA over TLS 1.2")
        cb = c.sock.get_channel_binding("tls-unique")
        check(cb, "Python has the tls-unique binding")
        reply, sc = auth_scram(c, "SCRAM-SHA-256-PLUS", "alice", "secret",
                               cb_type="tls-unique", cb_data=cb)
        check_eq(reply, OK, "SCRAM-SHA-256-PLUS")
        c.cmd("QUIT")

        c = stls(tls12)
        cb = c.sock.get_channel_binding("tls-unique")
        reply, sc = auth_scram(c, "SCRAM-SHA-1-PLUS", "alice", "secret",
                               cb_type="tls-unique", cb_data=cb)
        check_eq(reply, OK, "SCRAM-SHA-1-PLUS")
        c.cmd("QUIT")

        # a binding from another TLS session: what a relay would have
        c = stls(tls12)
        other = stls(tls12)
        wrong = other.sock.get_channel_binding("tls-unique")
        reply, _ = auth_scram(c, "SCRAM-SHA-256-PLUS", "alice", "secret",
                              cb_type="tls-unique", cb_data=wrong)
        check_eq(reply, FAILED, "someone else's channel binding")
        # "y": the client thinks we cannot bind; over TLS we can
        reply, _ = auth_scram(c, "SCRAM-SHA-256", "alice", "secret",
                              cb_type="tls-unique", cb_data=b"")
        check_eq(reply, FAILED, "a downgraded SCRAM ('y' over TLS)")
        check_eq(auth_scram(c, "SCRAM-SHA-256", "alice", "secret")[0], OK,
                 "SCRAM without binding ('n') over TLS 1.2")
        c.cmd("QUIT")
        other.cmd("QUIT")

        # TLS 1.3: the binding is tls-exporter (RFC 9266); -PLUS offered
        c = stls(tls13)
        check("SCRAM-SHA-256-PLUS" in sasl_line(c), "-PLUS over TLS 1.3")
        check_eq(auth_scram(c, "SCRAM-SHA-1", "alice", "secret")[0], OK,
                 "SCRAM without binding over TLS 1.3")
        c.cmd("QUIT")


run(main)
