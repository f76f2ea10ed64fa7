"""A port pop3d -d cannot listen on is said with what to do about it:
pop3d -t warns (exit 0: pop3d itself, inetd or systemd may hold the port
when -t runs) at the port's line, and pop3d -d stops with one line on
stderr -- "in use" names another server and the directives to change,
"permission denied" for a port below 1024 as another user than root
says that such ports need root."""
import re
import shutil
import socket
import subprocess

from pop3test import *

IN_USE = ("(another server has it: another POP3 server, or a pop3d already "
          "running? stop it, or choose another port with pop3_listen_port or "
          "pop3_listen_tls_port)")
NEED_ROOT = ("(ports below 1024 need root: start pop3d as root, or choose a "
             "port of 1024 or above)")


def main():
    tmp = TempDir()
    st = Setup(tmp, msgs=[])
    port = free_port()
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.1", port))
    holder.listen(1)
    st.rewrite(pop3_listen_addr="127.0.0.1", pop3_listen_port=str(port))

    r = run_pop3d_t(st.conf)
    err = r.stderr.decode()
    check_eq(r.returncode, 0, "-t with a port in use (stderr %r)" % err)
    check(re.search(r"^%s:\d+: warning: pop3_listen_port: 127\.0\.0\.1 port "
                    r"%d is in use now: pop3d -d cannot listen there while "
                    r"it is %s$" % (re.escape(st.conf), port,
                                    re.escape(IN_USE)), err, re.M),
          "-t warning: %r" % err)

    r = subprocess.run([POP3D, "-d", "--foreground", "-c", st.conf],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=DEFAULT_TIMEOUT)
    check_eq(r.returncode, 1, "pop3d -d on a port in use")
    check_eq(r.stderr.decode(), "pop3d: cannot listen on 127.0.0.1 port %d: "
             "Address already in use %s\n" % (port, IN_USE), "pop3d -d")

    # the TLS port too, at its own line
    st.rewrite(pop3_listen_port=str(free_port()),
               pop3_listen_tls_port=str(port))
    r = run_pop3d_t(st.conf)
    check(re.search(r"^%s:\d+: warning: pop3_listen_tls_port: 127\.0\.0\.1 "
                    r"port %d is in use now" % (re.escape(st.conf), port),
                    r.stderr.decode(), re.M), "-t on the TLS port: %r" %
          r.stderr)
    holder.close()

    # a free port: nothing to say
    st.rewrite(pop3_listen_tls_port=None)
    r = run_pop3d_t(st.conf)
    check("pop3_listen_port:" not in r.stderr.decode(),
          "a free port: %r" % r.stderr)

    # port 110 as another user than root
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        print("skipping the unprivileged part (needs root and setpriv)")
        return
    os.chmod(tmp.path, 0o755)
    os.chmod(st.conf, 0o644)
    st.rewrite(pop3_listen_port="110", pop3_log_file="-")
    os.chmod(st.conf, 0o644)
    drop = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    r = subprocess.run(drop + [POP3D, "-t", "-c", st.conf],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=DEFAULT_TIMEOUT)
    err = r.stderr.decode()
    check(re.search(r"^%s:\d+: warning: pop3_listen_port: pop3d -d cannot "
                    r"listen on 127\.0\.0\.1 port 110: Permission denied %s$"
                    % (re.escape(st.conf), re.escape(NEED_ROOT)), err, re.M),
          "-t as nobody: %r" % err)
    r = subprocess.run(drop + [POP3D, "-d", "--foreground", "-c", st.conf],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=DEFAULT_TIMEOUT)
    check_eq(r.returncode, 1, "pop3d -d as nobody on port 110")
    check_eq(r.stderr.decode(), "pop3d: cannot listen on 127.0.0.1 port 110: "
             "Permission denied %s\n" % NEED_ROOT, "pop3d -d as nobody")


run(main)
