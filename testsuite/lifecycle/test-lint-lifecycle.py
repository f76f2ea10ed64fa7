"""pop3d -t on the lifecycle directives: delete_expired without expire
(no effect), a bulletin_source of an unknown type (an error, exit 1), one
that does not exist yet, and popauth users without bulletin_db (no home
for ~/.popbull) are each reported at the directive's line; a sound
setting draws no remark."""
import re
import subprocess

from lifecycle import Setup, TempDir, check, check_eq, make_bulletins, run
from pop3test import POP3D


def lint(st):
    p = subprocess.run([POP3D, "-t", "-c", st.conf], capture_output=True,
                       timeout=30)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def remark(err, conf, directive, text):
    return re.search(r"^%s:\d+: (warning: )?%s: .*%s" % (
        re.escape(conf), directive, re.escape(text)), err, re.M)


def main():
    tmp = TempDir()
    source = make_bulletins("mbox", tmp.join("bulletins"), 1)
    st = Setup(tmp, extra={"expire": "5", "delete_expired": "yes",
                           "bulletin_source": source,
                           "bulletin_db": tmp.join("bulletin.db")})
    rc, out, err = lint(st)
    check_eq((rc, [line for line in err.splitlines()
                   if re.search(r"expire|bulletin", line)]), (0, []),
             "sound lifecycle settings")
    check("bulletin_source = " + source in out.splitlines(),
          "-t prints bulletin_source")

    st.rewrite(expire=None)
    rc, out, err = lint(st)
    check(rc == 0 and remark(err, st.conf, "delete_expired",
                             "no effect without expire"),
          "delete_expired without expire: %d %r" % (rc, err))

    st.rewrite(expire="5", bulletin_db=None)
    rc, out, err = lint(st)
    check(rc == 0 and remark(err, st.conf, "bulletin_source",
                             "unless bulletin_db is set"),
          "popauth users without bulletin_db: %d %r" % (rc, err))

    st.rewrite(bulletin_db=tmp.join("bulletin.db"),
               bulletin_source="mbox:" + tmp.join("not-yet"))
    rc, out, err = lint(st)
    check(rc == 0 and remark(err, st.conf, "bulletin_source",
                             "no bulletins until it exists"),
          "a source that does not exist: %d %r" % (rc, err))

    st.rewrite(bulletin_source="imap://example.org/INBOX")
    rc, out, err = lint(st)
    check(rc == 1 and remark(err, st.conf, "bulletin_source",
                             "unknown mailbox type"),
          "a source of an unknown type: %d %r" % (rc, err))
    check_eq(out, "", "no settings printed for a bad config")


run(main)
