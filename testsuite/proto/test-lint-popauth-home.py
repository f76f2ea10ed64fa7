"""pop3d -t warns (exit 0 all the same) when the mailbox template uses the
home directory (~/ or %h) and popauth is a backend: virtual users have no
home, so each of them needs popauth --mailbox, and one without is refused
at login ([SYS/PERM]).  A template without the home draws no warning."""
import re

from pop3test import *

WARNING = "warning: mailbox: uses the home directory"


def lint(conf):
    r = run_pop3d_t(conf)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


def main():
    tmp = TempDir()
    st = Setup(tmp, msgs=[])

    rc, out, err = lint(st.conf)
    check_eq(rc, 0, "-t on the fixture (stderr %r)" % err)
    check(WARNING not in err, "no warning for %s: %r" % (st.url, err))

    for template in ("~/Maildir", "maildir:%h/Maildir", "mbox:%h/mbox"):
        st.rewrite(mailbox=template)
        rc, out, err = lint(st.conf)
        check_eq(rc, 0, "-t with mailbox = %s (stderr %r)" % (template, err))
        check(re.search(r"^%s:\d+: %s" % (re.escape(st.conf), WARNING),
                        err, re.M), "warning for %s: %r" % (template, err))
        check("mailbox = %s" % template in out.splitlines(),
              "-t prints mailbox = %s" % template)

    # what the warning is about: the user cannot open a mailbox
    c = Pop3Pipe(st.conf)
    c.cmd("USER %s" % st.user)
    check(c.cmd("PASS %s" % st.password).startswith(b"-ERR [SYS/PERM] "),
          "a popauth user without --mailbox and a ~/ template")
    c.cmd("QUIT")

    st.rewrite(auth="pam", mailbox="~/Maildir")
    rc, out, err = lint(st.conf)
    check(WARNING not in err, "no warning without popauth: %r" % err)


run(main)
