"""Bulletins through pop3d, records in bulletin_db (popauth users have no
home, so bulletin_db is where theirs live), with bulletin_source and the
users' mailboxes of each format: a new user (no record yet; GNU Mailutils
would deliver nothing) gets every bulletin, appended before the maildrop
is listed, so the PASS reply and STAT count them; a returning user gets
none, even after deleting them; after a new bulletin only that one comes.
A second user has a record of their own; their mailbox does not exist
yet and is made."""
from lifecycle import (Pop3Pipe, Setup, TempDir, bulletin, check, check_eq,
                       login, make_bulletins, message, quit, retr, run, stat,
                       subjects, uidl_map, without_marker)


def check_pair(user_fmt, source_fmt):
    tmp = TempDir()
    source = tmp.join("bulletins")
    url = make_bulletins(source_fmt, source, 2)
    mail = message("personal mail")
    st = Setup(tmp, fmt=user_fmt, msgs=[mail],
               extra={"bulletin_source": url,
                      "bulletin_db": tmp.join("bulletin.db")})
    what = "%s mailbox, %s bulletins" % (user_fmt, source_fmt)

    # a new user
    conn, reply = login(st)
    check(b"has 3 messages" in reply, what + ": PASS counts them: %r" % reply)
    check_eq(stat(conn)[0], 3, what + ": STAT")
    got = retr(conn, 2)
    check(got.startswith(b"X-Bulletin-Id: "), what + ": RETR of a bulletin")
    check(b"Subject: bulletin 1\r\n" in got, what + ": bulletin 1 is message 2")
    uidls = uidl_map(conn)
    quit(conn)
    msgs = st.messages()
    check_eq(msgs[0], mail, what + ": the mail before them untouched")
    check_eq([without_marker(m) for m in msgs[1:]], [bulletin(1), bulletin(2)],
             what + ": both bulletins, whole")

    # a returning user, who deletes one
    conn, reply = login(st)
    check_eq(uidl_map(conn), uidls, what + ": nothing new for a returning user")
    check_eq(conn.cmd("DELE 2")[:3], b"+OK", what + ": DELE")
    quit(conn)
    conn, _ = login(st)
    check_eq(stat(conn)[0], 2, what + ": a deleted bulletin does not return")
    quit(conn)

    # a new bulletin
    make_bulletins(source_fmt, source, 3)
    conn, reply = login(st)
    check(b"has 3 messages" in reply, what + ": only the new one: %r" % reply)
    quit(conn)
    check_eq(subjects(st.messages()), ["personal mail", "bulletin 2",
                                       "bulletin 3"], what + ": after bulletin 3")

    # another user: a record of their own, a mailbox made for them
    st.add_user("bob", "bobpw")
    conn = Pop3Pipe(st.conf)
    reply = conn.login("bob", "bobpw")
    check(b"has 3 messages" in reply, what + ": bob gets all three: %r" % reply)
    quit(conn)


def main():
    for user_fmt, source_fmt in (("mbox", "mbox"), ("maildir", "mh"),
                                 ("mh", "maildir")):
        check_pair(user_fmt, source_fmt)


run(main)
