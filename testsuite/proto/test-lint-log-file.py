"""pop3d -t checks pop3_log_file as pop3d would open it at start, without
creating it: a missing directory, a directory or a path through a file
are errors at the directive's line (exit 1); a file that does not exist
yet in a directory that does is fine and is not created; "-" and
"syslog" need nothing.  pop3_listen_port = 0 with no TLS port is only a
warning (inetd mode needs no port)."""
import os
import re

from pop3test import *


def lint(conf):
    r = run_pop3d_t(conf)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


def main():
    tmp = TempDir()
    st = Setup(tmp, msgs=[])
    afile = tmp.join("a-file")
    with open(afile, "w") as f:
        f.write("x\n")

    for bad in (tmp.join("no-such-dir", "pop3d.log"), tmp.path,
                os.path.join(afile, "pop3d.log")):
        st.rewrite(pop3_log_file=bad)
        rc, out, err = lint(st.conf)
        check_eq(rc, 1, "-t with pop3_log_file = %s (stderr %r)" % (bad, err))
        check_eq(out, "", "no settings printed for %s" % bad)
        check(re.search(r"^%s:\d+: pop3_log_file: " % re.escape(st.conf),
                        err, re.M), "FILE:LINE: for %s: %r" % (bad, err))

    fresh = tmp.join("fresh.log")
    for good in (fresh, "-", "syslog"):
        st.rewrite(pop3_log_file=good)
        rc, out, err = lint(st.conf)
        check_eq(rc, 0, "-t with pop3_log_file = %s (stderr %r)" % (good, err))
        check("pop3_log_file = %s" % good in out.splitlines(),
              "-t prints pop3_log_file = %s" % good)
    check(not os.path.exists(fresh), "-t did not create the log file")

    st.rewrite(pop3_listen_port="0")
    rc, out, err = lint(st.conf)
    check_eq(rc, 0, "-t with pop3_listen_port = 0 (stderr %r)" % err)
    check(re.search(r"^%s:\d+: warning: pop3_listen_port: " %
                    re.escape(st.conf), err, re.M),
          "warning for no port in -d mode: %r" % err)


run(main)
