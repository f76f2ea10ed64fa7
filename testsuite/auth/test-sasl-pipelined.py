#!/usr/bin/env python3
"""Multi-step SASL logins (LOGIN, PLAIN without an initial response,
CRAM-MD5, SCRAM-SHA-256) work with telemetry_dir set and without, and a
client may pipeline commands behind its last response (CAPA says
PIPELINING, RFC 2449 section 6.6): they are answered after the login's
+OK, in order, in the same session."""
import hashlib
import hmac
import os

from pop3test import *
from authtest import b64, unb64, Scram

MSGS = [b"Subject: one\n\nfirst\n"]


def challenge(reply):
    check(reply.startswith(b"+ "), "a challenge: %r" % reply)
    return unb64(reply[2:].rstrip(b"\r\n"))


def last_step(c, mech, st):
    """Run the exchange up to its last response; return that response
    (not yet sent)."""
    if mech == "LOGIN":
        challenge(c.cmd("AUTH LOGIN"))
        challenge(c.cmd(b64(st.user)))
        return b64(st.password)
    if mech == "PLAIN":
        check_eq(c.cmd("AUTH PLAIN"), b"+ \r\n", "PLAIN asks")
        return b64("\0%s\0%s" % (st.user, st.password))
    if mech == "CRAM-MD5":
        chal = challenge(c.cmd("AUTH CRAM-MD5"))
        digest = hmac.new(st.password.encode(), chal, hashlib.md5)
        return b64("%s %s" % (st.user, digest.hexdigest()))
    sc = Scram("SCRAM-SHA-256", st.user, st.password)
    first = challenge(c.cmd("AUTH SCRAM-SHA-256 " + b64(sc.first())))
    return b64(sc.final(first))


def session(st, mech, pipelined):
    c = Pop3Pipe(st.conf)
    resp = last_step(c, mech, st)
    if mech == "SCRAM-SHA-256":
        # the server's final message comes as a challenge answered empty
        # (RFC 5034 section 4); the last response is that empty line
        r = c.cmd(resp)
        check(r.startswith(b"+ "), "%s server-final: %r" % (mech, r))
        resp = ""
    if pipelined:
        c.send(resp + "\r\nSTAT\r\nNOOP\r\n")
        r = c.read_line()
        check(r.startswith(b"+OK alice has 1 message"),
              "%s, pipelined: login %r" % (mech, r))
        r = c.read_line()
        check(r.startswith(b"+OK 1 "), "%s: STAT after login %r" % (mech, r))
        check_eq(c.read_line(), b"+OK\r\n", mech + ": NOOP after STAT")
    else:
        r = c.cmd(resp)
        check(r.startswith(b"+OK alice has 1 message"),
              "%s: login %r" % (mech, r))
    check(c.cmd("QUIT").startswith(b"+OK"), mech + ": QUIT")
    check_eq(c.wait(), 0, mech + ": exit status")


def main():
    tmp = TempDir()
    tdir = tmp.join("telemetry")
    os.makedirs(os.path.join(tdir, "alice"))
    st = Setup(tmp, msgs=MSGS, apop=True)
    for telemetry in (None, tdir):
        st.rewrite(telemetry_dir=telemetry)
        for mech in ("LOGIN", "PLAIN", "CRAM-MD5", "SCRAM-SHA-256"):
            for pipelined in (False, True):
                session(st, mech, pipelined)
    check_eq(len(os.listdir(os.path.join(tdir, "alice"))), 8,
             "a transcript for each session with telemetry_dir")


run(main)
