"""Bulletins recorded in ~/.popbull (bulletin_db unset), end to end: a
system account logs in through PAM (pam_matrix) and pop3d keeps the
number of the last bulletin it delivered in the account's home.  The
account is made up with nss_wrapper (its own passwd and group files), so
no real account or home is touched; as root its session runs under its
own made-up uid and .popbull belongs to it.

A new account gets every bulletin and .popbull says "2"; a returning one
gets none; after bulletin 3 only that one comes and .popbull says "3"."""
import os

from authtest import PamEnv
from lifecycle import (Pop3Pipe, Setup, TempDir, bulletin, check, check_eq,
                       make_bulletins, message, quit, run, stat, subjects,
                       without_marker)
from pop3test import TestFailure, mailbox_messages, make_mailbox

ROOT = os.geteuid() == 0
UID = 54321 if ROOT else os.geteuid()
GID = 54321 if ROOT else os.getegid()


def nss_wrapper(tmp, home):
    for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
              "/usr/lib64", "/usr/lib"):
        lib = os.path.join(d, "libnss_wrapper.so")
        if os.path.exists(lib):
            break
    else:
        raise TestFailure("libnss-wrapper is not installed (Debian package "
                          "libnss-wrapper)")
    passwd, group = tmp.join("passwd"), tmp.join("group")
    with open(passwd, "w") as f:
        f.write("root:x:0:0:root:/root:/bin/sh\n"
                "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
                "bull:x:%d:%d:Bulletin Reader:%s:/bin/sh\n" % (UID, GID, home))
    with open(group, "w") as f:
        f.write("root:x:0:\nnogroup:x:65534:\nbull:x:%d:\n" % GID)
    return lib, {"NSS_WRAPPER_PASSWD": passwd, "NSS_WRAPPER_GROUP": group}


def main():
    tmp = TempDir()
    os.chmod(tmp.path, 0o755)
    home = tmp.join("home", "bull")
    os.makedirs(home)
    os.chown(home, UID, GID)
    make_mailbox("mbox", os.path.join(home, "mbox"),
                       [message("personal mail")])
    os.chown(os.path.join(home, "mbox"), UID, GID)
    source = tmp.join("bulletins")
    url = make_bulletins("maildir", source, 2)
    pam = PamEnv(tmp, [("bull", "bull-pw")])
    st = Setup(tmp, msgs=[], extra={
        "auth": "pam",
        "pam_service": pam.service,
        "mailbox": "mbox:%h/mbox",
        "bulletin_source": url})
    nss_lib, nss_env = nss_wrapper(tmp, home)
    env = dict(pam.env)
    env.update(nss_env)
    env["LD_PRELOAD"] = nss_lib + ":" + env["LD_PRELOAD"]
    popbull = os.path.join(home, ".popbull")

    def session():
        conn = Pop3Pipe(st.conf, env=env)
        reply = conn.login("bull", "bull-pw")
        check(reply.startswith(b"+OK bull has "), "login: %r %s" % (
            reply, open(st.log).read()[-2000:]))
        n = stat(conn)[0]
        quit(conn)
        return n

    check(not os.path.exists(popbull), "no .popbull before the first login")
    check_eq(session(), 3, "a new account gets both bulletins")
    check_eq(open(popbull).read().strip(), "2", ".popbull after bulletin 2")
    if ROOT:
        st_ = os.stat(popbull)
        check_eq((st_.st_uid, st_.st_gid), (UID, GID),
                 ".popbull belongs to the account")
    check_eq(session(), 3, "a returning account gets none")
    make_bulletins("maildir", source, 3)
    check_eq(session(), 4, "after bulletin 3 only that one comes")
    check_eq(open(popbull).read().strip(), "3", ".popbull after bulletin 3")
    msgs = mailbox_messages("mbox", os.path.join(home, "mbox"))
    check_eq(subjects(msgs), ["personal mail", "bulletin 1", "bulletin 2",
                              "bulletin 3"], "the mailbox")
    check_eq([without_marker(m) for m in msgs[1:]],
             [bulletin(1), bulletin(2), bulletin(3)], "bulletins whole")


run(main)
