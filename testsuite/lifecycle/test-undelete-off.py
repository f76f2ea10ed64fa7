"""undelete = no (the default), on mbox, Maildir and MH: a message that
carries a deletion mark another program left (mbox/MH "Status: d" or
"X-Status: D", Maildir flag T) counts as deleted, as in GNU Mailutils
pop3d: STAT, LIST and UIDL leave it out, RSET does not bring it back, and
the QUIT that commits removes it.  Unlike Mailutils, it is not numbered
either: the others are 1..STAT without gaps, in mailbox order, and no
number reaches a marked one.  A session without QUIT removes nothing; the
other messages stay as they were, with their UIDLs."""
from lifecycle import (FORMATS, Setup, TempDir, check, check_eq, login,
                       make_marked_mailbox, probe_uidls, quit, retr, run,
                       stat, subjects, uidl_map)


def check_format(fmt):
    st = Setup(TempDir(), fmt=fmt)
    url, rows = make_marked_mailbox(fmt, st.mailbox_path)
    before = st.messages()
    all_uidls = probe_uidls(url)
    visible = [i + 1 for i, (_, marked) in enumerate(rows) if not marked]
    marked = [i + 1 for i, (_, m) in enumerate(rows) if m]
    check(len(marked) >= 2, fmt + ": the fixture has marked messages")
    numbers = list(range(1, len(visible) + 1))

    conn, reply = login(st)
    check(b" %d message" % len(visible) in reply,
          fmt + ": PASS reply counts the unmarked only: %r" % reply)
    check_eq(stat(conn)[0], len(visible), fmt + ": STAT")
    check_eq(sorted(uidl_map(conn)), numbers, fmt + ": UIDL lists")
    check_eq(uidl_map(conn), {k + 1: all_uidls[n - 1]
                              for k, n in enumerate(visible)},
             fmt + ": UIDLs")
    check_eq(conn.cmd("LIST")[:3], b"+OK", fmt + ": LIST")
    listed = [int(line.split()[0]) for line in
              conn.read_multi().split(b"\r\n")[:-2] if line]
    check_eq(listed, numbers, fmt + ": LIST lists")
    for k, n in enumerate(visible):
        check_eq(subjects([retr(conn, k + 1).replace(b"\r\n", b"\n")]),
                 [rows[n - 1][0]], "%s: RETR %d" % (fmt, k + 1))
    for n in range(len(visible) + 1, len(rows) + 1):
        for cmd in ("RETR %d" % n, "TOP %d 0" % n, "DELE %d" % n,
                    "LIST %d" % n):
            check_eq(conn.cmd(cmd), b"-ERR no such message\r\n",
                     "%s: %s past the last number" % (fmt, cmd))
    check_eq(conn.cmd("RSET")[:3], b"+OK", fmt + ": RSET")
    check_eq(stat(conn)[0], len(visible), fmt + ": STAT after RSET")
    conn.close_input()
    conn.wait()
    check_eq(st.messages(), before, fmt + ": a dropped session removes nothing")

    conn, _ = login(st)
    quit(conn)
    check_eq(subjects(st.messages()), [rows[n - 1][0] for n in visible],
             fmt + ": QUIT removed the marked messages")
    check_eq(st.messages(), [before[n - 1] for n in visible],
             fmt + ": the others unchanged")
    check_eq(probe_uidls(url), [all_uidls[n - 1] for n in visible],
             fmt + ": UIDLs of the others")


def main():
    for fmt in FORMATS:
        check_format(fmt)


run(main)
