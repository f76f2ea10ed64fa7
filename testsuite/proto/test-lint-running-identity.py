"""running_identity defaults to nobody: a default install does not read
the network as root.  pop3d -t prints `running_identity = nobody` for a
config that does not set it, and says nothing about it; set empty (no
switch) it prints `running_identity =` and warns at the directive's line,
still exiting 0; a user that does not exist is an error."""
import re

from pop3test import *


def lint(conf):
    r = run_pop3d_t(conf)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


def main():
    tmp = TempDir()
    st = Setup(tmp, msgs=[])
    check("running_identity" not in st.settings, "the fixture leaves it")

    rc, out, err = lint(st.conf)
    check_eq(rc, 0, "-t on the default (stderr %r)" % err)
    check("running_identity = nobody" in out.splitlines(),
          "-t prints the default:\n" + out)
    check("running_identity" not in err, "no warning: %r" % err)

    st.rewrite(running_identity="")
    rc, out, err = lint(st.conf)
    check_eq(rc, 0, "-t with running_identity empty (stderr %r)" % err)
    check("running_identity =" in out.splitlines(), "-t prints it empty")
    check(re.search(r"^%s:\d+: warning: running_identity: empty: when "
                    r"started as root, the process that reads the network "
                    r"before login runs as root" % re.escape(st.conf),
                    err, re.M), "FILE:LINE: warning: %r" % err)

    st.rewrite(running_identity="no-such-user-pop3d-test")
    rc, out, err = lint(st.conf)
    check_eq(rc, 1, "-t with a user that does not exist (stderr %r)" % err)
    check(re.search(r"^%s:\d+: running_identity: no-such-user-pop3d-test: "
                    % re.escape(st.conf), err, re.M), "error: %r" % err)


run(main)
