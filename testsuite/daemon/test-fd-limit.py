"""pop3_fd_limit sets the soft RLIMIT_NOFILE of the daemon (and so of its
sessions); 0, the default, raises the soft limit to the hard one.
daemons_fd_limit, gromox.cfg's name for it, does the same; when both are
set the larger wins, 0 counting as the hard limit."""
import resource

from pop3test import *
from daemontest import *


def soft_nofile(pid):
    with open("/proc/%d/limits" % pid) as f:
        for line in f:
            if line.startswith("Max open files"):
                return int(line.split()[3])
    raise TestFailure("no limit line")


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    st = Setup(TempDir())
    want = 200 if soft != 200 else 300
    st.rewrite(pop3_fd_limit=str(want))
    d = Pop3Daemon(st).start()
    check_eq(soft_nofile(d.proc.pid), want, "daemon's limit")
    c = d.connect()
    kid = wait_children(d.proc.pid, 1)[0]
    check_eq(soft_nofile(kid), want, "session's limit")
    c.cmd("QUIT")
    check_eq(d.stop(), 0, "exit status")

    # gromox.cfg's name, alone and with pop3_fd_limit: the larger
    for pop3, daemons, expect in ((None, want, want),
                                  (str(want), str(want + 100), want + 100),
                                  (str(want + 100), str(want), want + 100),
                                  ("0", str(want), hard)):
        st.rewrite(pop3_fd_limit=pop3, daemons_fd_limit=str(daemons))
        d = Pop3Daemon(st).start()
        check_eq(soft_nofile(d.proc.pid), expect,
                 "pop3_fd_limit %s, daemons_fd_limit %s" % (pop3, daemons))
        check_eq(d.stop(), 0, "exit status")
    st.rewrite(daemons_fd_limit=None)

    # the default: the hard limit (started with a lower soft limit)
    st.rewrite(pop3_fd_limit=None)
    low = min(hard, 256) - 1

    def lower():
        resource.setrlimit(resource.RLIMIT_NOFILE, (low, hard))
    d = Pop3Daemon(st)
    orig = subprocess.Popen

    def popen(*a, **kw):
        kw["preexec_fn"] = lower
        return orig(*a, **kw)
    subprocess.Popen = popen
    try:
        d.start()
    finally:
        subprocess.Popen = orig
    check_eq(soft_nofile(d.proc.pid), hard, "raised to the hard limit")
    check_eq(d.stop(), 0, "exit status")


run(main)
