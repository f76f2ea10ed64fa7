"""popauth keeps SCRAM keys (RFC 5802 section 3) for every password it
sets: scram-sha-1= and scram-sha-256= lines with the iteration count,
the salt, StoredKey and ServerKey, which recomputed here from the
password with hashlib match; -m makes new ones (a new salt); a password
SASLprep refuses gets none (and a warning); the summary record pop3d
reads is not a user (-l does not list it)."""
import base64
import re
import subprocess

from pop3test import *
from authtest import stored_scram_keys

LINE = rb"%s=(\d+),([A-Za-z0-9+/=]+),([A-Za-z0-9+/=]+),([A-Za-z0-9+/=]+)\n"


def popauth(db, *args, ok=True):
    r = subprocess.run([POPAUTH, "-f", db] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30)
    if ok:
        check_eq(r.returncode, 0, "popauth %s: %s" % (args, r.stderr))
    return r


def keys_in(db, mech):
    with open(db, "rb") as f:
        data = f.read()
    return [m.groups() for m in
            re.finditer(LINE % mech.lower().encode(), data)]


def check_keys(db, mech, password, what):
    found = keys_in(db, mech)
    check_eq(len(found), 1, "%s: one %s line" % (what, mech))
    iters, salt, stored, server = found[0]
    want = stored_scram_keys(mech, password, base64.b64decode(salt),
                             int(iters))
    check_eq((base64.b64decode(stored), base64.b64decode(server)), want,
             "%s: %s keys recomputed from the password" % (what, mech))
    check(int(iters) >= 4096, "RFC 7677: at least 4096 iterations")
    return salt



def main():
    tmp = TempDir()
    db = tmp.join("users.db")
    popauth(db, "-a", "alice", "-p", "s3cret Pässword")
    s1 = check_keys(db, "SCRAM-SHA-1", "s3cret Pässword", "-a")
    s256 = check_keys(db, "SCRAM-SHA-256", "s3cret Pässword", "-a")
    popauth(db, "-m", "alice", "-p", "another")
    check(check_keys(db, "SCRAM-SHA-256", "another", "-m") != s256,
          "-m: a new salt")
    check_keys(db, "SCRAM-SHA-1", "another", "-m")
    check_eq(popauth(db, "-l").stdout, b"alice\n", "-l lists users only")

    # BEL is prohibited by SASLprep (RFC 4013 section 2.3): no keys, a
    # warning, and the password still works elsewhere
    r = popauth(db, "-a", "bob", "-p", "bell\x07pw")
    check(b"SASLprep refuses" in r.stderr, "warned: %r" % r.stderr)
    check_eq(len(keys_in(db, "SCRAM-SHA-256")), 1, "no keys for bob")
    check_eq(popauth(db, "--check", "bob", "-p", "bell\x07pw").returncode, 0,
             "bob's password itself is kept")
    check_eq(popauth(db, "-l").stdout, b"alice\nbob\n", "-l")
    with open(db, "rb") as f:
        data = f.read()
    check(re.search(rb"v1\nusers=2\nsecrets=0\nscram-sha-1=1\n"
                    rb"scram-sha-256=1\nfake-salt-key=[A-Za-z0-9+/=]{44}\n",
                    data), "the summary record counts them")


run(main)
