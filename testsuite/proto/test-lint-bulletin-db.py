"""pop3d -t warns about a bulletin_db the sessions cannot use: they open it
as the user they run as (mail_user for popauth users, each user for
pam), so a file that user cannot read and write, or a missing one in a
directory that is missing or that user cannot write, means no bulletins
for anyone -- said with the file, and who opens it.  For pam users a
file not made beforehand is a warning too: the first session makes it
mode 0660 as its own user, shutting every other user out.  bulletin_db
without bulletin_source does nothing.  Warnings only: -t exits 0."""
import pwd
import re
import sys

from pop3test import *


def warnings(st):
    r = run_pop3d_t(st.conf)
    err = r.stderr.decode()
    check_eq(r.returncode, 0, "-t exits 0 (stderr %r)" % err)
    return re.findall(r"^%s:\d+: warning: (bulletin_db: .*)$" %
                      re.escape(st.conf), err, re.M)


def main():
    if os.geteuid() != 0:
        print("needs root (chown)")
        sys.exit(77)
    nobody = pwd.getpwnam("nobody")
    tmp = TempDir()
    os.chmod(tmp.path, 0o755)
    source = tmp.join("bulletins")
    make_mbox(source, [b"Subject: news\n\nhello\n"])
    st = Setup(tmp, msgs=[], extra={"mail_user": "nobody",
                                    "bulletin_source": "mbox:" + source})
    bdir = tmp.join("bull")
    db = os.path.join(bdir, "bulletins.db")
    st.rewrite(bulletin_db=db)

    check_eq(warnings(st), ["bulletin_db: %s: No such file or directory: "
                            "sessions, which create %s as mail_user nobody, "
                            "cannot: no user gets bulletins" % (bdir, db)],
             "missing directory")
    os.makedirs(bdir, mode=0o755)
    check_eq(warnings(st), ["bulletin_db: directory %s is not writable by "
                            "mail_user nobody, as whom sessions create %s: "
                            "no user gets bulletins" % (bdir, db)],
             "a directory mail_user cannot write")
    os.chown(bdir, nobody.pw_uid, nobody.pw_gid)
    check_eq(warnings(st), [], "mail_user's directory")

    with open(db, "w"):
        pass
    os.chmod(db, 0o600)
    check_eq(warnings(st), ["bulletin_db: %s is not readable and writable by "
                            "mail_user nobody, as whom sessions open it: they "
                            "get no bulletins" % db], "root's 0600 file")
    os.chown(db, nobody.pw_uid, nobody.pw_gid)
    check_eq(warnings(st), [], "mail_user's file")

    # pam users: the file must be every user's
    st.rewrite(auth="pam", mail_user=None)
    check(len(warnings(st)) == 1, "nobody's 0600 file, for pam users")
    os.chmod(db, 0o666)
    check_eq(warnings(st), [], "a file every user can write")
    os.unlink(db)
    os.chown(bdir, 0, 0)
    os.chmod(bdir, 0o1777)
    w = warnings(st)
    check(len(w) == 1 and w[0].startswith(
        "bulletin_db: %s does not exist: the first pam user's session "
        "creates it, mode 0660" % db), "pam, not made beforehand: %r" % w)

    # bulletin_db alone
    st.rewrite(bulletin_source=None)
    check_eq(warnings(st), ["bulletin_db: no effect without bulletin_source"],
             "no bulletin_source")


run(main)
