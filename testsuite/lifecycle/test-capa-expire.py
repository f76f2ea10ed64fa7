"""CAPA announces the expire policy as RFC 2449 section 6.7 writes it:
"EXPIRE NEVER" when expire is unset (GNU Mailutils prints "EXPIRENEVER",
which clients cannot parse), "EXPIRE n" for n days, "EXPIRE 0" -- the
same before and after login (the policy is not per user, so the USER
qualifier of the AUTHORIZATION state is not used)."""
from lifecycle import Setup, TempDir, capa, check_eq, login, quit, run
from pop3test import Pop3Pipe


def expire_lines(lines):
    return [line for line in lines if line.upper().startswith("EXPIRE")]


def check_policy(tmp, setting, want):
    st = Setup(tmp, extra={"expire": setting})
    conn = Pop3Pipe(st.conf)
    check_eq(expire_lines(capa(conn)), [want],
             "AUTHORIZATION CAPA with expire = %s" % setting)
    conn.close_input()
    conn.wait()
    conn, _ = login(st)
    check_eq(expire_lines(capa(conn)), [want],
             "TRANSACTION CAPA with expire = %s" % setting)
    quit(conn)


def main():
    for setting, want in ((None, "EXPIRE NEVER"), ("7", "EXPIRE 7"),
                          ("0", "EXPIRE 0"), ("365", "EXPIRE 365")):
        check_policy(TempDir(), setting, want)


run(main)
