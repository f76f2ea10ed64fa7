"""pop3d -t warns, at the mailbox line, when the shared spool an mbox
template points at (its directory has no %u, %h or ~: /var/mail/%u)
cannot hold the locks, dotlocks and journals a session makes there: a
pam user's session can create files in it only when it is writable by
everybody (1777, sticky) or by the group of mail_privileged_group
(root:mail 2775, Debian's /var/mail); a popauth user's session runs as
mail_user, so its rights (owner, primary group) count too.  A spool
writable by everybody without the sticky bit is a warning of its own; a
directory per user, or Maildir and MH (whose locks are inside the
mailbox), are not checked.  Warnings only: -t exits 0."""
import grp
import pwd
import re
import sys

from pop3test import *

NOT_WRITABLE = "is not writable by the session's user"


def lint(conf):
    r = run_pop3d_t(conf)
    return r.returncode, r.stderr.decode()


def spool_warnings(st, err):
    """The warnings at the mailbox line."""
    return re.findall(r"^%s:\d+: warning: (mailbox: .*)$" % re.escape(st.conf),
                      err, re.M)


def main():
    if os.geteuid() != 0:
        print("needs root (chown)")
        sys.exit(77)
    try:
        mail_gid = grp.getgrnam("mail").gr_gid
    except KeyError:
        print("no group mail")
        sys.exit(77)
    nobody = pwd.getpwnam("nobody")
    tmp = TempDir()
    os.chmod(tmp.path, 0o755)
    spool = tmp.join("spool")
    os.makedirs(spool)
    st = Setup(tmp, msgs=[])
    st.rewrite(auth="pam", mailbox="mbox:%s/%%u" % spool)

    def with_mode(mode, gid=0, uid=0):
        os.chown(spool, uid, gid)
        os.chmod(spool, mode)
        rc, err = lint(st.conf)
        check_eq(rc, 0, "-t, spool mode %o (stderr %r)" % (mode, err))
        return spool_warnings(st, err), err

    # Debian's /var/mail: root:mail 2775, and the session takes group mail
    warned, err = with_mode(0o2775, mail_gid)
    check_eq(warned, [], "root:mail 2775")
    # 1777, as /tmp: everybody may create, nobody may remove another's
    warned, err = with_mode(0o1777)
    check_eq(warned, [], "1777")
    warned, err = with_mode(0o777)
    check(len(warned) == 1 and "without the sticky bit" in warned[0],
          "0777: %r" % warned)

    # root 0755: no session can make its lock there
    warned, err = with_mode(0o755)
    check_eq(warned, ["mailbox: %s is not writable by the session's user nor "
                      "by group mail (mail_privileged_group): sessions cannot "
                      "create their locks there" % spool], "root 0755")
    # a group-writable spool of another group is no better
    warned, err = with_mode(0o2775, nobody.pw_gid)
    check(len(warned) == 1 and NOT_WRITABLE in warned[0], "root:nogroup 2775")

    # without mail_privileged_group, 2775 root:mail does not do either
    st.rewrite(mail_privileged_group="")
    warned, err = with_mode(0o2775, mail_gid)
    check(len(warned) == 1 and warned[0].endswith(
        "(mail_privileged_group is empty): sessions cannot create their "
        "locks there"), "mail_privileged_group empty: %r" % warned)
    st.rewrite(mail_privileged_group="no-such-group-here")
    warned, err = with_mode(0o2775, mail_gid)
    check(len(warned) == 1 and NOT_WRITABLE in warned[0],
          "a group that does not exist: %r" % warned)
    check(re.search(r"^%s:\d+: warning: mail_privileged_group: no group "
                    r"\"no-such-group-here\"" % re.escape(st.conf), err, re.M),
          "the missing group is named: %r" % err)
    st.rewrite(mail_privileged_group=None)

    # a spool that is not there
    os.rmdir(spool)
    rc, err = lint(st.conf)
    check_eq(spool_warnings(st, err),
             ["mailbox: %s: No such file or directory: sessions cannot "
              "create their locks there" % spool], "missing spool")
    os.makedirs(spool)

    # a directory per user, or Maildir/MH, or popauth without mail_user:
    # nothing to say about the spool
    for template in ("mbox:%s/%%u/mbox" % spool, "mbox:~/mbox",
                     "maildir:%s/%%u" % spool, "mh:%s/%%u" % spool):
        st.rewrite(mailbox=template)
        warned, err = with_mode(0o755)
        check_eq([w for w in warned if "lock" in w], [],
                 "no spool check for %s" % template)
    st.rewrite(auth="popauth", mailbox="mbox:%s/%%u" % spool)
    warned, err = with_mode(0o755)
    check_eq(warned, [], "popauth without mail_user: the session's "
             "identity is pop3d's own")

    # popauth users' sessions run as mail_user
    st.rewrite(mail_user="nobody")
    warned, err = with_mode(0o755)
    check_eq(warned, ["mailbox: %s is not writable by mail_user nobody (nor "
                      "its group) nor by group mail (mail_privileged_group): "
                      "sessions of popauth users cannot create their locks "
                      "there" % spool], "popauth, root 0755")
    warned, err = with_mode(0o755, uid=nobody.pw_uid)
    check_eq(warned, [], "owned by mail_user")
    warned, err = with_mode(0o775, gid=nobody.pw_gid)
    check_eq(warned, [], "writable by mail_user's group")
    warned, err = with_mode(0o2775, mail_gid)
    check_eq(warned, [], "writable by group mail")


run(main)
