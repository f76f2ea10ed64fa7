"""No user enumeration: an unknown user and a wrong password get the
same reply after the same delay, through USER/PASS, APOP, AUTH PLAIN and
CRAM-MD5; SCRAM gives an unknown user a salt and iteration count like a
real user's, the same at every attempt, and fails the same way.  (The
200-try timing figures come from testsuite/bench/auth_timing.py.)"""
import statistics
import time

from pop3test import *
from authtest import *

FAILED = b"-ERR [AUTH] invalid user name or password\r\n"


def timed(fn):
    t0 = time.monotonic()
    r = fn()
    return r, time.monotonic() - t0


def main():
    st = Setup(TempDir(), msgs=[], apop=True,
               extra={"pop3_auth_times": "1000"})
    times = {"unknown": [], "wrong": []}
    for i in range(6):
        # a connection gets PRIVSEP_MAX_ATTEMPTS (10) login attempts
        c = Pop3Pipe(st.conf)
        for kind, user in (("unknown", "nosuch%d" % i), ("wrong", "alice")):
            c.cmd("USER " + user)
            r, t = timed(lambda: c.cmd("PASS not-the-password"))
            check_eq(r, FAILED, "PASS, %s user" % kind)
            times[kind].append(t)
        c.cmd("QUIT")
    mu, mw = statistics.median(times["unknown"]), \
        statistics.median(times["wrong"])
    check(abs(mu - mw) < 0.05, "medians %.4f s (unknown) and %.4f s "
          "(wrong password) differ" % (mu, mw))
    check(min(times["unknown"] + times["wrong"]) >= 0.45,
          "every failure waits the failure delay")

    c = Pop3Pipe(st.conf)
    digest = apop_digest(c.greeting, "not-the-password")
    check_eq(c.cmd("APOP nosuch " + digest), FAILED, "APOP, unknown user")
    check_eq(c.cmd("APOP alice " + digest), FAILED, "APOP, wrong secret")
    check_eq(auth_plain(c, "nosuch", "x"), FAILED, "PLAIN, unknown user")
    check_eq(auth_plain(c, "alice", "x"), FAILED, "PLAIN, wrong password")
    check_eq(auth_cram_md5(c, "nosuch", "x"), FAILED, "CRAM-MD5, unknown")
    check_eq(auth_cram_md5(c, "alice", "x"), FAILED, "CRAM-MD5, wrong")

    c.cmd("QUIT")
    for mech in ("SCRAM-SHA-1", "SCRAM-SHA-256"):
        c = Pop3Pipe(st.conf)
        seen = {}
        for user in ("alice", "nosuch", "nosuch", "other"):
            r, sc = auth_scram(c, mech, user, "x")
            check_eq(r, FAILED, "%s, %s" % (mech, user))
            check_eq(len(sc.salt), 16, "%s: a salt of 16 octets for %s"
                     % (mech, user))
            check_eq(sc.iterations, 16384, "%s: iterations for %s"
                     % (mech, user))
            if user in seen:
                check_eq(sc.salt, seen[user], "%s: the same made-up salt "
                         "for %s at every attempt" % (mech, user))
            seen[user] = sc.salt
        check(seen["nosuch"] != seen["other"], "%s: a salt per name" % mech)
        c.cmd("QUIT")

    # a new connection (a new process) makes up the same salt
    c = Pop3Pipe(st.conf)
    r, sc = auth_scram(c, "SCRAM-SHA-256", "nosuch", "x")
    check_eq(sc.salt, seen["nosuch"], "the same salt in another session")
    c.cmd("QUIT")


run(main)
