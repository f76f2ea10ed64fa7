"""CAPA after a login over TLS (RFC 2449 section 5: what AUTHORIZATION
announced, TRANSACTION announces too).  After a SASL login under TLS the
list is the one CAPA gave before the login, SCRAM-*-PLUS included; with
pop3_force_tls, USER and SASL are there (the login happened, so
credentials were allowed).  After a USER/PASS login over TLS the -PLUS
mechanisms are left out: only a SASL exchange shows the monitor a
channel binding (doc/pop3d.8, CAPA).  STLS is never listed after login
(RFC 2595 section 4: valid in AUTHORIZATION only)."""
import ssl

from pop3test import *
from authtest import *
from tlstest import Pki, TlsSocket, client_context, tls_settings

PLUS = ("SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS")


def capa(c):
    c.send("CAPA\r\n")
    lines = c.read_multi().decode().split("\r\n")
    check_eq(lines[0], "+OK Capability list follows", "CAPA reply")
    return lines[1:-2]


def without_plus(caps):
    return [" ".join(w for w in line.split() if w not in PLUS)
            for line in caps]


def main():
    tmp = TempDir()
    pki = Pki(tmp)
    st = Setup(tmp, msgs=[], extra=dict(tls_settings(pki),
                                        pop3_auth_times="100"))
    st.add_user("bob", "bob-pw")
    tls12 = client_context(pki, maximum=ssl.TLSVersion.TLSv1_2)
    with Pop3Daemon(st) as d:
        def stls(user):
            c = TlsSocket("127.0.0.1", d.port, implicit=False)
            c.stls(tls12, server_hostname="pop3.test")
            return c

        # SCRAM-SHA-256-PLUS: the same list before and after
        c = stls("alice")
        before = capa(c)
        check("SASL SCRAM-SHA-256-PLUS SCRAM-SHA-256 SCRAM-SHA-1-PLUS "
              "SCRAM-SHA-1 PLAIN LOGIN" in before, "SASL over TLS: %r"
              % before)
        cb = c.sock.get_channel_binding("tls-unique")
        reply, _ = auth_scram(c, "SCRAM-SHA-256-PLUS", "alice", "secret",
                              cb_type="tls-unique", cb_data=cb)
        check(reply.startswith(b"+OK "), "SCRAM-SHA-256-PLUS: %r" % reply)
        check_eq(capa(c), before, "CAPA after a SCRAM-PLUS login")
        c.cmd("QUIT")

        # USER/PASS over TLS: the same but for the -PLUS mechanisms
        c = stls("bob")
        before = capa(c)
        c.login("bob", "bob-pw")
        check_eq(capa(c), without_plus(before),
                 "CAPA after USER/PASS over TLS")
        c.cmd("QUIT")

    # a plain connection: STLS is offered before login, and only then
    with Pop3Daemon(st) as d:
        c = Pop3Socket("127.0.0.1", d.port)
        before = capa(c)
        check("STLS" in before, "STLS before login: %r" % before)
        c.login("alice", "secret")
        check_eq(capa(c), [line for line in before if line != "STLS"],
                 "CAPA after a plain login")
        c.cmd("QUIT")

    # pop3_force_tls: the login was over TLS, USER and SASL stay
    st.rewrite(pop3_force_tls="yes")
    with Pop3Daemon(st) as d:
        c = stls("bob")
        before = capa(c)
        check("USER" in before, "USER inside TLS: %r" % before)
        c.login("bob", "bob-pw")
        check_eq(capa(c), without_plus(before),
                 "CAPA after a forced-TLS login")
        c.cmd("QUIT")


run(main)
