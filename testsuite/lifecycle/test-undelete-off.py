"""undelete = no (the default), on mbox, Maildir and MH: a message that
carries a deletion mark another program left (mbox/MH "Status: d" or
"X-Status: D", Maildir flag T) counts as deleted, as in GNU Mailutils
pop3d: STAT, LIST and UIDL leave it out, RETR, TOP and DELE refuse it,
RSET does not bring it back, and the QUIT that commits removes it.  A
session without QUIT removes nothing; the other messages stay as they
were, with their UIDLs."""
from lifecycle import (FORMATS, Setup, TempDir, check, check_eq, login,
                       make_marked_mailbox, probe_uidls, quit, run, stat,
                       subjects, uidl_map)


def check_format(fmt):
    st = Setup(TempDir(), fmt=fmt)
    url, rows = make_marked_mailbox(fmt, st.mailbox_path)
    before = st.messages()
    all_uidls = probe_uidls(url)
    visible = [i + 1 for i, (_, marked) in enumerate(rows) if not marked]
    marked = [i + 1 for i, (_, m) in enumerate(rows) if m]
    check(len(marked) >= 2, fmt + ": the fixture has marked messages")

    conn, reply = login(st)
    check(b" %d message" % len(visible) in reply,
          fmt + ": PASS reply counts the unmarked only: %r" % reply)
    check_eq(stat(conn)[0], len(visible), fmt + ": STAT")
    check_eq(sorted(uidl_map(conn)), visible, fmt + ": UIDL lists")
    check_eq(uidl_map(conn), {n: all_uidls[n - 1] for n in visible},
             fmt + ": UIDLs")
    check_eq(conn.cmd("LIST")[:3], b"+OK", fmt + ": LIST")
    listed = [int(line.split()[0]) for line in
              conn.read_multi().split(b"\r\n")[:-2] if line]
    check_eq(listed, visible, fmt + ": LIST lists")
    for n in marked:
        for cmd in ("RETR %d" % n, "TOP %d 0" % n, "DELE %d" % n,
                    "LIST %d" % n):
            check(conn.cmd(cmd).startswith(b"-ERR"),
                  "%s: %s of a marked message" % (fmt, cmd))
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
