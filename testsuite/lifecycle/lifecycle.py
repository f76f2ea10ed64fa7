"""lifecycle -- shared helpers of the mailbox lifecycle tests:
expire at QUIT, undelete at login, bulletins at login.

Builds on pop3test (testsuite/lib): a Setup makes the user, the mailbox
and the config; Pop3Pipe runs pop3d -i.  Messages here are small and
carry a Subject that names them, so a test can say which ones are left.
"""
import os
import re
import time

from pop3test import (FORMATS, Pop3Pipe, Setup, TempDir,  # noqa: F401
                      TestFailure, check, check_eq, make_mailbox,
                      mailbox_messages, run, wire_size)

DAY = 86400
STAMP_RE = re.compile(rb"^X-Expire-Timestamp: *([0-9]+) *$", re.M)


def message(subject, stamp=None, extra=b"", body=b"body line\n"):
    """A small message; stamp: X-Expire-Timestamp value (int or bytes)."""
    head = b"From: sender@example.org\nTo: alice@example.org\n"
    head += b"Subject: " + subject.encode() + b"\n"
    if stamp is not None:
        if isinstance(stamp, int):
            stamp = str(stamp).encode()
        head += b"X-Expire-Timestamp: " + stamp + b"\n"
    return head + extra + b"\n" + body


def subject(msg):
    m = re.search(rb"^Subject: (.*)$", msg, re.M)
    return m.group(1).decode() if m else None


def subjects(msgs):
    return [subject(m) for m in msgs]


def stamps(msg):
    """Every X-Expire-Timestamp value of msg's header, as ints."""
    head = msg.split(b"\n\n", 1)[0]
    return [int(v) for v in STAMP_RE.findall(head)]


def header_lines(msg, name):
    head = msg.split(b"\n\n", 1)[0]
    prefix = name.lower().encode() + b":"
    return [line for line in head.split(b"\n")
            if line.lower().startswith(prefix)]


def login(st, env=None):
    conn = Pop3Pipe(st.conf, env=env)
    reply = conn.login(st.user, st.password)
    return conn, reply


def uidl_map(conn):
    """{message number: UIDL} of the undeleted messages."""
    check_eq(conn.cmd("UIDL")[:3], b"+OK", "UIDL")
    out = {}
    for line in conn.read_multi().split(b"\r\n"):
        if b" " in line:
            n, u = line.split(b" ", 1)
            out[int(n)] = u.decode()
    return out


def stat(conn):
    reply = conn.cmd("STAT")
    check(reply.startswith(b"+OK "), "STAT: %r" % reply)
    n, size = reply.split()[1:3]
    return int(n), int(size)


def retr(conn, n):
    reply = conn.cmd("RETR %d" % n)
    check(reply.startswith(b"+OK"), "RETR %d: %r" % (n, reply))
    return conn.read_multi()


def top(conn, n, lines=0):
    reply = conn.cmd("TOP %d %d" % (n, lines))
    check(reply.startswith(b"+OK"), "TOP %d: %r" % (n, reply))
    return conn.read_multi()


def quit(conn):
    reply = conn.cmd("QUIT")
    check(reply.startswith(b"+OK"), "QUIT: %r" % reply)
    conn.wait()
    return reply


def capa(conn):
    check_eq(conn.cmd("CAPA")[:3], b"+OK", "CAPA")
    return [line.decode() for line in conn.read_multi().split(b"\r\n")
            if line and line != b"."]


def env_with(**extra):
    env = dict(os.environ)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def now():
    return int(time.time())


def rewrite_stamp(fmt, path, subj, new_stamp):
    """Replace the X-Expire-Timestamp value of the message called subj in
    the mailbox at path by new_stamp (same number of digits, so that an
    mbox keeps its offsets), as if it had been retrieved then."""
    files = [path] if fmt == "mbox" else []
    if fmt == "maildir":
        for d in ("new", "cur"):
            files += [os.path.join(path, d, n)
                      for n in os.listdir(os.path.join(path, d))]
    elif fmt == "mh":
        files += [os.path.join(path, n) for n in os.listdir(path)
                  if n.isdigit()]
    done = 0
    for fn in files:
        with open(fn, "rb") as f:
            data = f.read()
        # this message's header: from its Subject to the blank line
        start = data.find(b"Subject: " + subj.encode() + b"\n")
        if start < 0:
            continue
        end = data.find(b"\n\n", start)
        m = STAMP_RE.search(data, start, end)
        check(m is not None, "no stamp in %r" % subj)
        old = m.group(1)
        new = str(new_stamp).encode()
        check_eq(len(new), len(old), "stamp length")
        data = data[:m.start(1)] + new + data[m.end(1):]
        with open(fn, "r+b") as f:
            f.write(data)
        done += 1
    check_eq(done, 1, "messages called %r" % subj)


# ---------------------------------------------------------------- undelete

PROBE = os.path.join(os.environ.get("top_builddir", "."), "testsuite",
                     "sieve", "mailbox-probe")


def probe_uidls(url):
    """[UIDL] of every message, marked ones too, read through libmu by the
    mailbox-probe helper of the mu-sieve tests."""
    import subprocess
    p = subprocess.run([PROBE, "list", url], capture_output=True, timeout=30)
    check(p.returncode == 0, "mailbox-probe list %s: %s" % (url, p.stderr))
    return [line.split()[0] for line in p.stdout.decode().splitlines()]


def make_marked_mailbox(fmt, path):
    """A mailbox where some messages carry a deletion mark another program
    left: "Status:" with d (GNU Mailutils) and "X-Status:" with D
    (c-client, Dovecot's mbox) in mbox and MH; the T flag in Maildir,
    where status headers are not marks.  Returns (url, [(subject,
    marked?)]) in mailbox order."""
    rows = [
        ("plain", b"", "", False),
        ("mailutils deleted", b"Status: ORd\n", "S", True),
        ("read, not deleted", b"Status: RO\n", "S", False),
        ("c-client deleted", b"X-Status: DF\n", "ST", True),
        ("answered, not deleted", b"X-Status: A\n", "RS", False),
        ("deleted, read", b"Status: dOR\n", "FST", True),
    ]
    if fmt != "maildir":
        msgs = [message(s, extra=h) for s, h, _, _ in rows]
        return make_mailbox(fmt, path, msgs), [(s, m) for s, _, _, m in rows]
    for d in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(path, d), exist_ok=True)
    for i, (s, h, flags, marked) in enumerate(rows):
        # in a Maildir a "Status: d" header is just text
        name = "%d.M%dP1.test:2,%s" % (1700000000 + i, i, flags)
        with open(os.path.join(path, "cur", name), "wb") as f:
            f.write(message(s, extra=h))
    return "maildir:" + path, [(s, "T" in f) for s, _, f, _ in rows]


def maildir_names(path):
    return sorted(os.listdir(os.path.join(path, "cur")))


# ---------------------------------------------------------------- bulletins

def bulletin(n):
    return (b"From: postmaster@example.org\nSubject: bulletin %d\n\n"
            b"Announcement number %d.\n" % (n, n))


def make_bulletins(fmt, path, n):
    """bulletin_source with bulletins 1..n (made again from scratch, so
    1..n-1 stay as they were: the same bytes, the same names)."""
    if fmt == "mh" and os.path.isdir(path):
        for name in os.listdir(path):
            os.unlink(os.path.join(path, name))
    return make_mailbox(fmt, path, [bulletin(i) for i in range(1, n + 1)])


def without_marker(msg):
    """msg without its leading X-Bulletin-Id line (checked to be there)."""
    first, rest = msg.split(b"\n", 1)
    check(first.startswith(b"X-Bulletin-Id: "),
          "a bulletin starts with its marker: %r" % msg[:80])
    return rest
