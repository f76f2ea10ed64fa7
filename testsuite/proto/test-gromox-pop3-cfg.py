"""A Gromox pop3.cfg loads: gromox-pop3.cfg holds every directive of
Gromox's pop3(8gx) manual (its pop3.cfg list, and the gromox.cfg ones
pop3d takes), with a real installation's values, and pop3d -t -c accepts
it -- exit 0, warnings allowed, among them one, and only one, for the
four thread-pool directives that do nothing here -- prints each of them
back, and pop3d serves with it.  The certificate paths are relative and
found through config_file_path."""
import re
import shutil

from pop3test import *
from tlstest import Pki

# pop3(8gx), "Configuration directives (pop3.cfg)", and of "(gromox.cfg)"
# those pop3d accepts: pop3_listen and pop3_listen_tls are not
MANUAL = """block_interval_auths config_file_path context_average_mem
context_average_units context_max_mem context_num data_file_path
enable_capa_implementation host_id pop3_auth_times pop3_certificate_passwd
pop3_certificate_path pop3_cmd_debug pop3_conn_timeout pop3_force_tls
pop3_listen_addr pop3_listen_port pop3_listen_tls_port pop3_log_file
pop3_log_level pop3_private_key_path pop3_support_tls pop3_thread_charge_num
pop3_thread_init_num running_identity tls_min_proto
daemons_fd_limit pop3_fd_limit pop3_accept_haproxy""".split()

# what -t prints for the values of the fixture (durations in seconds,
# sizes in bytes, booleans as yes/no, relative paths made absolute)
PRINTED = {
    "block_interval_auths": "60",
    "context_average_mem": "256K",
    "context_max_mem": "2097152",
    "pop3_conn_timeout": "180",
    "pop3_force_tls": "no",
    "pop3_support_tls": "yes",
    "pop3_certificate_passwd": "",
}


def main():
    tmp = TempDir()
    pki = Pki(tmp)
    fixture = os.path.join(top_srcdir, "testsuite", "proto", "gromox-pop3.cfg")
    conf = tmp.join("pop3.cfg")
    shutil.copy(fixture, conf)
    # the names the test suite's Pki gives them
    check_eq(os.path.basename(pki.cert), "pop3.test.pem", "certificate name")
    check_eq(os.path.basename(pki.key), "pop3.test-key.pem", "key name")

    given = {}
    for line in open(conf):
        m = re.match(r"^([a-z0-9_]+) =(?: (.*))?$", line.rstrip("\n"))
        if m:
            given[m.group(1)] = m.group(2) or ""
    check_eq(sorted(given), sorted(MANUAL), "the fixture has every directive "
             "of the manual, once")

    r = run_pop3d_t(conf)
    out, err = r.stdout.decode(), r.stderr.decode()
    check_eq(r.returncode, 0, "pop3d -t -c gromox-pop3.cfg (stderr %r)" % err)
    printed = dict(l.split(" =", 1) for l in out.splitlines())
    for name, value in given.items():
        want = PRINTED.get(name, value)
        if name in ("pop3_certificate_path", "pop3_private_key_path"):
            want = os.path.join(pki.dir, value)
        check_eq(printed[name].strip(), want, "-t prints %s" % name)
    pool = re.findall(r"^.*warning: .*pop3_thread_init_num, "
                      r"pop3_thread_charge_num, context_average_mem and "
                      r"context_average_units have no effect.*$", err, re.M)
    check_eq(len(pool), 1, "one warning for the thread pool: %r" % err)
    check(re.match(r"^%s:\d+: " % re.escape(conf), pool[0]),
          "at a line of the file: %r" % pool[0])
    for missing in ("/etc/gromox/pop3", "/usr/share/gromox/pop3"):
        if not os.path.isdir(missing):
            check(missing in err, "-t names the missing %s: %r" %
                  (missing, err))
    check("unknown" not in err, "nothing unknown: %r" % err)

    # and it serves: STLS with the certificate found through
    # config_file_path
    c = Pop3Pipe(conf)
    check(c.greeting.startswith(b"+OK mail.example.org POP3 server ready"),
          "greeting: %r" % c.greeting)
    c.send("CAPA\r\n")
    check(b"\r\nSTLS\r\n" in c.read_multi(), "STLS offered")
    c.cmd("QUIT")


run(main)
