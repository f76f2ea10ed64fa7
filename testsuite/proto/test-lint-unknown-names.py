"""An unknown directive is still an error (pop3d -t exits 1, pop3d does
not start), but the message names the directive to use: the nearest one
for a small slip (a swapped pair, a dash for an underscore, a letter
missing), ours for GNU Mailutils' pop3d statements and for Gromox's
older names and gromox.cfg's listeners; nothing for a name that is far
from every directive."""
import re

from pop3test import *

CASES = [
    ("login-delay", "5", '"login_delay"? (GNU Mailutils\' name)'),
    ("delete-expired", "yes", '"delete_expired"? (GNU Mailutils\' name)'),
    ("bulletin-source", "/x", '"bulletin_source"? (GNU Mailutils\' name)'),
    ("bulletin-db", "/x", '"bulletin_db"? (GNU Mailutils\' name)'),
    ("stat-file", "/x", '"stat_file"? (GNU Mailutils\' name)'),
    ("mailbox-pattern", "/var/mail/${user}",
     '"mailbox"? (GNU Mailutils\' mailbox statement; ours takes the URL, '
     'e.g. mbox:/var/mail/%u)'),
    ("tls-mode", "ondemand", '"pop3_support_tls"? (GNU Mailutils\' name; '
     '"required" is pop3_force_tls, "connection" pop3_listen_tls_port)'),
    ("listen_ssl_port", "995", '"pop3_listen_tls_port"? (Gromox\'s older '
     'name)'),
    ("pop3_support_stls", "yes", '"pop3_support_tls"? (Gromox\'s older '
     'name)'),
    ("pop3_listen", "[::]:110", '"pop3_listen_addr"? (gromox.cfg\'s name: '
     'pop3d listens on one address, pop3_listen_addr, at pop3_listen_port)'),
    # slips
    ("pop3_listen_prot", "110", '"pop3_listen_port"?'),
    ("pop3-conn-timeout", "1min", '"pop3_conn_timeout"?'),
    ("LOGIN_DELAY_", "5", '"login_delay"?'),
    ("contxt_num", "5", '"context_num"?'),
    ("hostid", "x", '"host_id"?'),
]


def main():
    tmp = TempDir()
    st = Setup(tmp, msgs=[])
    base = open(st.conf).read()
    conf = tmp.join("names.conf")
    for name, value, hint in CASES:
        with open(conf, "w") as f:
            f.write(base + "%s = %s\n" % (name, value))
        line = base.count("\n") + 1
        r = run_pop3d_t(conf)
        err = r.stderr.decode()
        check_eq(r.returncode, 1, "-t with %s (stderr %r)" % (name, err))
        check_eq(err, '%s:%d: unknown directive "%s"; did you mean %s\n' %
                 (conf, line, name, hint), "the hint for %s" % name)
        check_eq(r.stdout, b"", "no settings printed for %s" % name)

    # far from everything: no guess
    with open(conf, "w") as f:
        f.write(base + "frobnicate_everything = 1\n")
    r = run_pop3d_t(conf)
    check_eq(r.stderr.decode(), '%s:%d: unknown directive '
             '"frobnicate_everything"\n' % (conf, base.count("\n") + 1),
             "no hint")

    # and pop3d itself refuses to start, with the same line
    with open(conf, "w") as f:
        f.write(base + "login-delay = 5\n")
    c = Pop3Pipe(conf, read_greeting=False)
    c.expect_eof()
    check_eq(c.wait(), 1, "pop3d does not start")
    check(re.search(r'unknown directive "login-delay"; did you mean '
                    r'"login_delay"\?', c.stderr()), "start: %r" % c.stderr())


run(main)
