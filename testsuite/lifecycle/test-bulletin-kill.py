"""A pop3d session killed (SIGKILL) while it delivers bulletins, after
each durable step in turn -- the record of the one in progress written,
a bulletin appended, the record moved on -- and, for the interesting
points, killed again in the session that recovers: the next session
finds every bulletin in the mailbox exactly once, lists them, and later
sessions add nothing.  POP3D_TEST_BULLETIN_KILL=n is pop3d's test hook
(pop3d/mail/bulletin.c); mbox, Maildir and MH mailboxes, records in
bulletin_db."""
from lifecycle import (Pop3Pipe, Setup, TempDir, TestFailure, bulletin, check,
                       check_eq, env_with, login, make_bulletins, message,
                       quit, run, without_marker)

MAIL = message("personal mail")


def kills_logged(st):
    """Kills the hook logged (the process that delivers may be a child
    of the one the test started: privilege separation)."""
    try:
        with open(st.log, errors="replace") as f:
            return f.read().count("POP3D_TEST_BULLETIN_KILL: killed after")
    except FileNotFoundError:
        return 0


def killed_session(st, step):
    """A login whose delivery is killed after step; False if the
    delivery finished first (step is past the last one)."""
    logged = kills_logged(st)
    conn = Pop3Pipe(st.conf, env=env_with(POP3D_TEST_BULLETIN_KILL=step))
    check_eq(conn.cmd("USER " + st.user)[:3], b"+OK", "USER")
    conn.send("PASS %s\r\n" % st.password)
    try:
        reply = conn.read_line()
    except TestFailure:
        reply = b""             # closed without a reply
    if reply.startswith(b"+OK"):
        quit(conn)
        return False
    # the process that delivers died: no +OK; the client sees the
    # connection close, or an -ERR from the process that talks to it
    check(reply == b"" or reply.startswith(b"-ERR"),
          "reply after a kill at step %d: %r" % (step, reply))
    conn.wait()
    check_eq(kills_logged(st), logged + 1, "kills after step %d" % step)
    return True


def check_mailbox(st, what):
    msgs = st.messages()
    check_eq(msgs[0], MAIL, what + ": the mail before them")
    check_eq([without_marker(m) for m in msgs[1:]], [bulletin(1), bulletin(2)],
             what + ": each bulletin exactly once")


def fresh(fmt):
    tmp = TempDir()
    url = make_bulletins("mbox", tmp.join("bulletins"), 2)
    return Setup(tmp, fmt=fmt, msgs=[MAIL],
                 extra={"bulletin_source": url,
                        "bulletin_db": tmp.join("bulletin.db")})


def check_format(fmt):
    step = 0
    while True:
        step += 1
        st = fresh(fmt)
        if not killed_session(st, step):
            check(step > 5, fmt + ": a delivery of two has five steps")
            check_mailbox(st, fmt + ": no kill")
            break
        what = "%s: killed after step %d" % (fmt, step)
        conn, reply = login(st)
        check(b"has 3 messages" in reply, what + ": PASS reply %r" % reply)
        quit(conn)
        check_mailbox(st, what)
        conn, reply = login(st)
        check(b"has 3 messages" in reply, what + ": later, %r" % reply)
        quit(conn)
    # killed after an append and before its record, then killed again
    # while the next session recovers
    for first in (2, 4):
        for second in (1, 2, 3):
            st = fresh(fmt)
            check(killed_session(st, first), "first kill")
            killed_session(st, second)
            conn, reply = login(st)
            quit(conn)
            check_mailbox(st, "%s: killed after steps %d, then %d"
                          % (fmt, first, second))


def main():
    for fmt in ("mbox", "maildir", "mh"):
        check_format(fmt)


run(main)
