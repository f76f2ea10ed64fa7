"""pop3d -t warns, at the mailbox line, when the template names no
mailbox of each user's own (no %u, %h or ~) while several users can log
in: any pam user, or more than one popauth user without --mailbox.  They
would all read (and delete) one another's mail.  One user, or users who
each have a --mailbox, draw no warning."""
import re

from pop3test import *

SHARED = "has no %u, %h or ~"


def warnings(st):
    r = run_pop3d_t(st.conf)
    err = r.stderr.decode()
    check_eq(r.returncode, 0, "-t exits 0 (stderr %r)" % err)
    return re.findall(r"^%s:\d+: warning: (mailbox: .*)$" %
                      re.escape(st.conf), err, re.M)


def main():
    tmp = TempDir()
    st = Setup(tmp, msgs=[])
    shared = "mbox:%s" % tmp.join("mail", "everybody")
    st.rewrite(mailbox=shared)
    check_eq(warnings(st), [], "one popauth user")

    st.add_user("bob", "pw", mailbox="mbox:" + tmp.join("mail", "bob"))
    check_eq(warnings(st), [], "the second has a mailbox of his own")

    st.add_user("carol", "pw")
    check_eq(warnings(st), ["mailbox: %s has no %%u, %%h or ~: the 2 popauth "
                            "users without --mailbox would share one mailbox"
                            % shared], "two users on one mailbox")

    for per_user in ("mbox:%s/%%u" % tmp.join("mail"), "~/mbox",
                     "maildir:%h/Maildir"):
        st.rewrite(mailbox=per_user)
        check_eq([w for w in warnings(st) if SHARED in w], [],
                 "per user: %s" % per_user)

    # %d is per domain, not per user
    st.rewrite(auth="pam", mailbox="mbox:/var/mail/%d")
    check_eq([w for w in warnings(st) if SHARED in w],
             ["mailbox: mbox:/var/mail/%d has no %u, %h or ~: every user "
              "(auth has pam) would share one mailbox"], "pam")


run(main)
