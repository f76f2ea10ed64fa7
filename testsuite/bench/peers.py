#!/usr/bin/env python3
"""pop3d beside its peers: Dovecot 2.3 (Debian package dovecot-pop3d) and
GNU Mailutils 3.15 (mailutils-pop3d), on loopback, with the same system
accounts (SHA512-crypt passwords checked through one PAM service), the
same mailboxes (a copy for each server), in one run, so that the ratios
hold even on a machine that other work keeps busy.

Workloads (--only A,B,C; all by default):
  A  sessions/s with --clients (8) clients at once, each session USER,
     PASS, STAT, QUIT on a small mailbox, mbox and Maildir; server CPU
     per session and p99 session time.
  B  memory of idle logged-in sessions: --sessions (100) sessions logged
     in (USER, PASS, STAT) and left idle; the PSS of the server's whole
     process tree with them open, less the PSS of the idle server, per
     session.
  C  one big mailbox of --scale (10000) messages of 10 KiB, mbox and
     Maildir: PASS to +OK, a whole UIDL session (first ever and again),
     download MB/s with RETR one message after another and with 16 in
     flight, server CPU per GB downloaded, QUIT after the download and
     after DELE 1; beside the limits of the machine: reading the mbox
     from the page cache, an fsync'ed copy of it, a loopback ping-pong of
     the same 10 KiB replies, and the CPU a fork costs.

Each figure is the median of --rounds samples (3 for A and B, 2 for C),
the servers taking turns within each round.  Server CPU is the growth of
utime+stime+cutime+cstime summed over the server's process tree in
/proc: in A read when no session is running (every session process
reaped into its parent's cutime/cstime), in C around the RETRs.  Peers
that are not installed show "not installed"; BENCH_INSTALL_PEERS=1
installs them with apt-get first.  doc/performance.md says more, and
holds the figures of one run.

Needs root: it creates the accounts pbench000.. (GECOS "pop3d bench
account"), /etc/pam.d/pop3d-bench, and a temporary directory, and
removes them all at the end, even after a failure or a signal; accounts
that a killed run left behind are removed at the next start.  Without
root it says so and exits 0.

Run by `make bench` (BENCH_ARGS passes options), or by hand:
    python3 SRC/testsuite/bench/peers.py [--only A] [--scale 100000] ...
(the pop3d of $top_builddir, else of SRC/_build or SRC, or --pop3d)."""

import argparse
import math
import os
import platform
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SRCDIR, "testsuite", "lib"))
from pop3test import free_port, make_maildir, make_mbox  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
PAM_SERVICE = "pop3d-bench"
PAM_FILE = "/etc/pam.d/" + PAM_SERVICE
ACCOUNT_PREFIX = "pbench"
ACCOUNT_GECOS = "pop3d bench account"
FORMATS = ("mbox", "maildir")
PIPELINE = 16                   # RETRs in flight in C's pipelined download
SMALL_MSGS = 20                 # messages in each mailbox of A and B
BIG_MSG_SIZE = 10240            # octets of each message of C, LF line ends
DOC_BEGIN = "<!-- peers.py: begin -->"
DOC_END = "<!-- peers.py: end -->"


class BenchError(Exception):
    pass


def log(*args):
    print(*args)
    sys.stdout.flush()


# ---------------------------------------------------------------- cleanup

_cleanups = []


def at_cleanup(fn):
    _cleanups.append(fn)


def run_cleanups():
    while _cleanups:
        fn = _cleanups.pop()
        try:
            fn()
        except Exception as e:          # go on with the rest
            log("cleanup: %s" % e)


def _on_signal(signum, frame):
    raise SystemExit(128 + signum)


# ---------------------------------------------------------------- /proc

def _proc_table():
    """{pid: (ppid, comm, uid, stat fields after the command name)}"""
    table = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
            uid = os.stat("/proc/" + d).st_uid
        except OSError:
            continue
        head, rest = stat.rsplit(")", 1)
        fields = rest.split()
        table[int(d)] = (int(fields[1]), head.split("(", 1)[1], uid, fields)
    return table


def process_tree(root):
    """[(pid, comm, uid, fields)] of root and all its descendants."""
    table = _proc_table()
    kids = {}
    for pid, (ppid, _, _, _) in table.items():
        kids.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in table:
            _, comm, uid, fields = table[pid]
            out.append((pid, comm, uid, fields))
            todo += kids.get(pid, [])
    return out


def tree_cpu(root):
    """CPU seconds of root's tree: each live process's utime + stime, and
    cutime + cstime for the children it reaped (which hold theirs)."""
    return sum(int(f[11]) + int(f[12]) + int(f[13]) + int(f[14])
               for _, _, _, f in process_tree(root)) / TICK


def run_seconds(pid):
    """Time pid has spent on a CPU (/proc/PID/schedstat, nanoseconds; not
    cut to clock ticks as /proc/PID/stat is)."""
    try:
        with open("/proc/%d/schedstat" % pid) as f:
            return int(f.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


def pss_kib(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def wait_listening(port, proc, timeout=20):
    deadline = time.monotonic() + timeout
    hexport = ":%04X" % port
    while True:
        for fn in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                with open(fn) as f:
                    for line in f.readlines()[1:]:
                        fields = line.split()
                        if fields[1].endswith(hexport) and fields[3] == "0A":
                            return
            except OSError:
                pass
        if proc.poll() is not None:
            raise BenchError("exited with status %d" % proc.returncode)
        if time.monotonic() > deadline:
            raise BenchError("never listened on port %d" % port)
        time.sleep(0.05)


# ---------------------------------------------------------------- accounts

def user_name(i):
    return "%s%03d" % (ACCOUNT_PREFIX, i)


def user_password(i):
    return "Bench-%03d-secret" % i


def remove_leftover_accounts():
    """Accounts of a run that was killed before its cleanup."""
    for pw in pwd.getpwall():
        if re.fullmatch(ACCOUNT_PREFIX + r"\d{3}", pw.pw_name):
            if pw.pw_gecos != ACCOUNT_GECOS:
                raise BenchError("account %s exists and is not one of ours "
                                 "(GECOS %r)" % (pw.pw_name, pw.pw_gecos))
            log("removing the account %s left by an earlier run"
                % pw.pw_name)
            if not userdel(pw.pw_name):
                raise BenchError("userdel %s failed: is a process of that "
                                 "run still running as it?" % pw.pw_name)


def userdel(name, patience=10):
    """Remove the account (and its group); True if it is gone.  Retried
    for a while: userdel refuses while a process runs as the user, and
    the processes of a server just killed may not all have ended yet."""
    deadline = time.monotonic() + patience
    while True:
        if subprocess.run(["userdel", name],
                          stderr=subprocess.DEVNULL).returncode == 0:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)


class Accounts:
    """System accounts pbench000..: home directories under root, passwords
    hashed with SHA512-crypt (chpasswd -c SHA512), the same for every
    server."""

    def __init__(self, root, count):
        self.home_root = os.path.join(root, "home")
        os.makedirs(self.home_root, mode=0o755)
        self.names = [user_name(i) for i in range(count)]
        self.created = []
        at_cleanup(self.remove)
        remove_leftover_accounts()
        t0 = time.monotonic()
        for name in self.names:
            if subprocess.run(["useradd", "-m", "-d", self.home(name),
                               "-s", "/usr/sbin/nologin",
                               "-c", ACCOUNT_GECOS, "-K", "UMASK=022",
                               name]).returncode != 0:
                raise BenchError("useradd %s failed" % name)
            self.created.append(name)
        lines = "".join("%s:%s\n" % (n, user_password(i))
                        for i, n in enumerate(self.names))
        if subprocess.run(["chpasswd", "-c", "SHA512"],
                          input=lines.encode()).returncode != 0:
            raise BenchError("chpasswd failed")
        with open("/etc/shadow") as f:
            hashes = {l.split(":")[0]: l.split(":")[1] for l in f}
        for name in self.names:
            if not hashes.get(name, "").startswith("$6$"):
                raise BenchError("%s has no SHA512-crypt hash" % name)
        self.ids = {n: (pwd.getpwnam(n).pw_uid, pwd.getpwnam(n).pw_gid)
                    for n in self.names}
        log("accounts: %d (%s..%s), SHA512-crypt, %.1fs"
            % (count, self.names[0], self.names[-1], time.monotonic() - t0))

    def home(self, name):
        return os.path.join(self.home_root, name)

    def chown(self, name, path):
        uid, gid = self.ids[name]
        os.lchown(path, uid, gid)
        for d, dirs, files in os.walk(path):
            for n in dirs + files:
                os.lchown(os.path.join(d, n), uid, gid)

    def remove(self):
        for name in self.created:
            if not userdel(name):
                log("could not remove the account %s: remove it by hand "
                    "(userdel %s)" % (name, name))
        self.created = []


def install_pam_service():
    # The same work for every server: Dovecot and Mailutils run the auth
    # and account stacks and never a session; pop3d runs the session
    # stack whenever the service has one (other's, when the file has no
    # session line), so the service says there is none.
    with open(PAM_FILE, "w") as f:
        f.write("# written by pop3d's testsuite/bench/peers.py for the time "
                "of a run\n@include common-auth\n@include common-account\n"
                "session required pam_permit.so\n")
    at_cleanup(lambda: os.path.exists(PAM_FILE) and os.unlink(PAM_FILE))


# ---------------------------------------------------------------- servers

class Server:
    """One POP3 server under test: its own config under the temporary
    directory, a free port on 127.0.0.1, its own process group."""
    key = title = None

    def __init__(self, bench):
        self.bench = bench
        self.proc = None
        self.port = None
        self.version = None
        self.missing = None             # why it cannot run, or None
        self.dir = os.path.join(bench.tmp, self.key)

    def mailbox(self, user, fmt):
        """Where this server finds the mailbox of user in format fmt."""
        return os.path.join(self.bench.accounts.home(user), self.key,
                            "mbox" if fmt == "mbox" else "Maildir")

    def start(self, fmt):
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_port()
        argv = self.prepare(fmt)
        err = open(os.path.join(self.dir, "stderr"), "ab")
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=err, stderr=err,
                                     start_new_session=True)
        err.close()
        at_cleanup(self.kill)
        try:
            wait_listening(self.port, self.proc)
        except BenchError as e:
            raise BenchError("%s: %s; %s" % (self.title, e, self.tail()))

    def tail(self):
        try:
            with open(os.path.join(self.dir, "stderr"), "rb") as f:
                return f.read()[-600:].decode(errors="replace")
        except OSError:
            return ""

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                log("%s did not stop on SIGTERM" % self.title)
        self.kill()

    def kill(self):
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        self.proc.wait()
        self.proc = None

    def session_processes(self):
        """The processes of sessions now (none when the server is idle)."""
        return [p for p in process_tree(self.proc.pid)[1:]
                if self.is_session_process(p)]

    def is_session_process(self, p):
        return True

    def wait_quiet(self, timeout=30):
        """Until every session process has ended and been reaped."""
        deadline = time.monotonic() + timeout
        while self.session_processes():
            if time.monotonic() > deadline:
                raise BenchError("%s: session processes still running"
                                 % self.title)
            time.sleep(0.02)

    def cpu(self):
        return tree_cpu(self.proc.pid)


class Pop3d(Server):
    key, title = "pop3d", "pop3d"

    def __init__(self, bench):
        super().__init__(bench)
        self.binary = bench.pop3d
        if not os.access(self.binary, os.X_OK):
            self.missing = "not built (%s)" % self.binary
        else:
            r = subprocess.run([self.binary, "--version"],
                               stdout=subprocess.PIPE, text=True)
            self.version = r.stdout.strip()

    def prepare(self, fmt):
        conf = os.path.join(self.dir, "pop3d.conf")
        where = "mbox:%h/pop3d/mbox" if fmt == "mbox" \
            else "maildir:%h/pop3d/Maildir"
        with open(conf, "w") as f:
            f.write("# the defaults, but for what a benchmark on loopback "
                    "needs\n"
                    "host_id = bench.test\n"
                    "auth = pam\n"
                    "pam_service = %s\n"
                    "mailbox = %s\n"
                    "pop3_listen_addr = 127.0.0.1\n"
                    "pop3_listen_port = %d\n"
                    "pop3_log_file = %s\n"
                    "stat_file = %s\n"
                    "# every client comes from 127.0.0.1\n"
                    "prelogin_per_addr = 0\n"
                    "context_num = 300\n"
                    % (PAM_SERVICE, where, self.port,
                       os.path.join(self.dir, "log"),
                       os.path.join(self.dir, "stat.db")))
        return [self.binary, "-d", "--foreground", "-c", conf]


class Dovecot(Server):
    key, title = "dovecot", "Dovecot"
    SESSION_COMMS = ("pop3-login", "pop3")

    def __init__(self, bench):
        super().__init__(bench)
        self.binary = os.environ.get("BENCH_DOVECOT", "/usr/sbin/dovecot")
        if not os.access(self.binary, os.X_OK):
            self.missing = "not installed"
            return
        r = subprocess.run([self.binary, "--version"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
        self.version = "Dovecot " + r.stdout.strip()
        libexec = subprocess.run(
            [self.binary, "-c", "/dev/null", "config", "-h", "libexec_dir"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True).stdout.strip() or "/usr/lib/dovecot"
        if not os.access(os.path.join(libexec, "pop3"), os.X_OK):
            self.missing = "not installed (no dovecot-pop3d)"

    def prepare(self, fmt):
        for d in ("run", "state"):
            os.makedirs(os.path.join(self.dir, d), exist_ok=True)
        location = "mbox:~/dovecot/mail:INBOX=~/dovecot/mbox" \
            if fmt == "mbox" else "maildir:~/dovecot/Maildir"
        conf = os.path.join(self.dir, "dovecot.conf")
        with open(conf, "w") as f:
            f.write("""# defaults, but for what a benchmark on loopback needs
protocols = pop3
listen = 127.0.0.1
base_dir = %(dir)s/run
state_dir = %(dir)s/state
log_path = %(dir)s/log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
mail_location = %(location)s
passdb {
  driver = pam
  args = %(service)s
}
userdb {
  driver = passwd
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = %(port)d
  }
  inet_listener pop3s {
    port = 0
  }
}
""" % {"dir": self.dir, "location": location, "service": PAM_SERVICE,
       "port": self.port})
        return [self.binary, "-F", "-c", conf]

    def is_session_process(self, p):
        return p[1] in self.SESSION_COMMS


class Mailutils(Server):
    key, title = "mailutils", "Mailutils"

    def __init__(self, bench):
        super().__init__(bench)
        self.binary = os.environ.get("BENCH_MAILUTILS_POP3D",
                                     "/usr/sbin/pop3d")
        if not os.access(self.binary, os.X_OK):
            self.missing = "not installed"
            return
        r = subprocess.run([self.binary, "--version"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
        first = (r.stdout.splitlines() or [""])[0]
        if "Mailutils" not in first:
            self.missing = "not installed (%s is not Mailutils' pop3d)" \
                % self.binary
        self.version = first.replace("pop3d (GNU Mailutils)",
                                     "GNU Mailutils").strip()

    def prepare(self, fmt):
        pattern = "%s://%s/${user}/mailutils/%s" % (
            "mbox" if fmt == "mbox" else "maildir",
            self.bench.accounts.home_root,
            "mbox" if fmt == "mbox" else "Maildir")
        locks = os.path.join(self.dir, "locks")
        os.makedirs(locks, exist_ok=True)
        os.chmod(locks, 0o1777)         # written as the user, after login
        conf = os.path.join(self.dir, "pop3d.conf")
        with open(conf, "w") as f:
            f.write("""# defaults, but for what a benchmark on loopback needs
logging {
  syslog false;
};
auth {
  authentication pam;
  authorization system;
};
pam {
  service %s;
};
mailbox {
  mailbox-pattern "%s";
};
max-children 300;
# its lock files of Maildir mailboxes; the default is /var/lock/subsys/mail
mandatory-locking {
  lock-directory "%s";
};
server 127.0.0.1:%d {
};
""" % (PAM_SERVICE, pattern, locks, self.port))
        return [self.binary, "--config-file=" + conf, "--daemon",
                "--foreground"]


SERVER_CLASSES = (Dovecot, Mailutils, Pop3d)     # the table's column order


# ---------------------------------------------------------------- client

class Client:
    """A plain POP3 client over TCP, as lean as Python allows, so that the
    server is what is measured."""

    def __init__(self, port, timeout=60):
        self.sock = socket.create_connection(("127.0.0.1", port),
                                             timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()

    def _recv(self):
        data = self.sock.recv(1 << 18)
        if not data:
            raise BenchError("connection closed; have %r"
                             % bytes(self.buf[-200:]))
        self.buf += data

    def line(self):
        start = 0
        while True:
            i = self.buf.find(b"\r\n", start)
            if i >= 0:
                out = bytes(self.buf[:i + 2])
                del self.buf[:i + 2]
                return out
            start = max(0, len(self.buf) - 1)
            self._recv()

    def send(self, command):
        self.sock.sendall(command.encode() + b"\r\n")

    def ok(self, command=None):
        """Send command (None: read the greeting), require +OK."""
        if command is not None:
            self.send(command)
        reply = self.line()
        if not reply.startswith(b"+OK"):
            shown = "PASS ***" if command and command.startswith("PASS") \
                else command
            raise BenchError("%s: %r" % (shown or "greeting", reply))
        return reply

    def multi(self, command):
        """Send command, read its whole multi-line reply; its octets."""
        self.send(command)
        buf = self.buf
        start = 0
        while True:
            i = buf.find(b"\r\n.\r\n", start)
            if i >= 0 or buf.startswith(b"-"):     # or a one-line -ERR
                break
            start = max(0, len(buf) - 4)
            self._recv()
        if not buf.startswith(b"+OK"):
            raise BenchError("%s: %r" % (command, bytes(buf[:200])))
        del buf[:i + 5]
        return i + 5

    def retr_all(self, n, window=1, seconds=None):
        """RETR 1..n with `window` commands in flight (1: each waits for
        the reply before it), sending no more once `seconds` have passed;
        (messages, octets) received."""
        deadline = time.monotonic() + seconds if seconds else None
        buf = self.buf
        sent = done = octets = 0
        stop = False
        while True:
            while not stop and sent < n and sent - done < window:
                sent += 1
                self.sock.sendall(b"RETR %d\r\n" % sent)
            if done == sent:
                return done, octets
            i = buf.find(b"\r\n.\r\n")
            while i < 0:
                if buf.startswith(b"-"):        # a one-line -ERR
                    break
                start = max(0, len(buf) - 4)
                self._recv()
                i = buf.find(b"\r\n.\r\n", start)
            if not buf.startswith(b"+OK"):
                raise BenchError("RETR %d: %r" % (done + 1, bytes(buf[:200])))
            octets += i + 5
            del buf[:i + 5]
            done += 1
            if deadline and time.monotonic() > deadline:
                stop = True

    def login(self, user, password):
        self.ok()
        self.ok("USER " + user)
        self.ok("PASS " + password)

    def quit(self):
        self.ok("QUIT")
        while self.sock.recv(65536):
            pass
        self.sock.close()

    def close(self):
        self.sock.close()


# ---------------------------------------------------------------- figures

def median(values):
    v = sorted(values)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def percentile(values, p):
    v = sorted(values)
    return v[max(0, math.ceil(p / 100.0 * len(v)) - 1)]


def fmt_num(x):
    if x is None:
        return "-"
    if x == 0:
        return "0"
    digits = max(0, 2 - int(math.floor(math.log10(abs(x)))))
    return "{:,.{}f}".format(x, min(digits, 3))


class Row:
    """One line of a table: samples per server, and whether more is better
    (rates) or less (costs and times)."""

    def __init__(self, label, more_is_better, unit=""):
        self.label, self.more, self.unit = label, more_is_better, unit
        self.samples = {}
        self.notes = {}

    def add(self, key, value):
        self.samples.setdefault(key, []).append(value)

    def value(self, key):
        s = self.samples.get(key)
        return median(s) if s else None


class Table:
    def __init__(self, title):
        self.title = title
        self.rows = []
        self.notes = []

    def row(self, label, more_is_better, unit=""):
        """The row of that label, made on first use."""
        for r in self.rows:
            if r.label == label:
                return r
        r = Row(label, more_is_better, unit)
        self.rows.append(r)
        return r

    def markdown(self, servers):
        cols = [s for s in servers]
        out = ["| %s | %s | pop3d/best peer |"
               % (self.title, " | ".join(s.title for s in cols)),
               "|---|" + "---:|" * (len(cols) + 1)]
        for r in self.rows:
            cells = []
            for s in cols:
                if s.missing:
                    cells.append(s.missing.split(" (")[0])
                elif s.key in r.notes:
                    cells.append(r.notes[s.key])
                else:
                    cells.append(fmt_num(r.value(s.key)))
            mine = r.value("pop3d")
            peers = [r.value(s.key) for s in cols
                     if s.key != "pop3d" and r.value(s.key)]
            if mine is None or not peers:
                ratio = "-"
            else:
                best = max(peers) if r.more else min(peers)
                ratio = "%.2f" % (mine / best)
            label = "%s%s %s" % (r.label, " (%s)" % r.unit if r.unit else "",
                                 "↑" if r.more else "↓")
            out.append("| %s | %s | %s |" % (label, " | ".join(cells), ratio))
        return "\n".join(out + self.notes)


# ---------------------------------------------------------------- the bench

class Bench:
    def __init__(self, args):
        self.args = args
        self.pop3d = args.pop3d
        self.tmp = tempfile.mkdtemp(prefix="pop3d-bench-")
        os.chmod(self.tmp, 0o755)       # the accounts' homes are inside
        if not args.keep:
            at_cleanup(lambda: shutil.rmtree(self.tmp, True))
        self.servers = [cls(self) for cls in SERVER_CLASSES
                        if cls.key in args.servers]
        self.tables = []
        self.limits = Table("physical limits")
        self.partial = {}
        self.accounts = None
        self.failed = False             # a pop3d session failed

    def running(self):
        return [s for s in self.servers if not s.missing]

    def rotation(self, r):
        run = self.running()
        k = r % len(run)
        return run[k:] + run[:k]

    def table(self, title):
        t = Table(title)
        self.tables.append(t)
        return t

    # ------------------------------------------------------------ mailboxes

    def small_messages(self):
        """SMALL_MSGS messages of 1 to 8 KiB, a dot-stuffed line among them."""
        msgs = []
        for k in range(SMALL_MSGS):
            body = b"".join(b"line %d of message %d, words to fill a line of "
                            b"ordinary mail text.\n" % (n, k)
                            for n in range(16 * (1 + k % 8)))
            msgs.append(b"From: sender%d@example.org\nTo: user@bench.test\n"
                        b"Subject: small message %d\nMessage-ID: <%d.small@"
                        b"example.org>\n\n%s%s" % (k, k, k,
                                                   b".a leading dot\n"
                                                   if k == 0 else b"", body))
        return msgs

    def small_templates(self):
        base = os.path.join(self.tmp, "templates", "small")
        if not os.path.exists(base):
            msgs = self.small_messages()
            make_mbox(os.path.join(base, "mbox"), msgs)
            make_maildir(os.path.join(base, "Maildir"), msgs)
        return base

    def put_mailbox(self, server, user, fmt, template_dir):
        """A fresh copy of template_dir's mailbox (mbox or Maildir) where
        server looks for user's, owned by user; nothing else of an earlier
        run of that server (indexes) stays."""
        top = os.path.join(self.accounts.home(user), server.key)
        shutil.rmtree(top, True)
        os.makedirs(top)
        dest = server.mailbox(user, fmt)
        if fmt == "mbox":
            shutil.copyfile(os.path.join(template_dir, "mbox"), dest)
        else:
            subprocess.run(["cp", "-R", os.path.join(template_dir, "Maildir"),
                            dest], check=True)
        self.accounts.chown(user, top)

    # ------------------------------------------------------------ sessions

    def user(self, i):
        return user_name(i), user_password(i)

    def short_session(self, server, i):
        c = Client(server.port)
        try:
            c.login(*self.user(i))
            c.ok("STAT")
            c.quit()
        finally:
            c.close()

    def warm_up(self, server, users):
        """One session per user, 8 at a time: indexes built, caches warm."""
        errors = []

        def worker(part):
            for i in part:
                try:
                    self.short_session(server, i)
                except Exception as e:
                    errors.append("%s: %s" % (user_name(i), e))
        threads = [threading.Thread(target=worker, args=(users[k::8],))
                   for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise BenchError("%s: warm-up failed: %s"
                             % (server.title, errors[0]))
        server.wait_quiet()

    # ------------------------------------------------------------ A

    def sessions_window(self, server, clients, seconds):
        """clients threads, each its own user, sessions back to back for
        `seconds`; (sessions, wall seconds, server CPU seconds, latencies,
        errors)."""
        server.wait_quiet()
        lat = [[] for _ in range(clients)]
        errors = []
        barrier = threading.Barrier(clients + 1)
        stop = [0.0]

        def loop(k):
            barrier.wait()
            while time.monotonic() < stop[0]:
                t0 = time.monotonic()
                try:
                    self.short_session(server, 1 + k)
                except Exception as e:
                    errors.append(str(e))
                    continue
                lat[k].append(time.monotonic() - t0)
        threads = [threading.Thread(target=loop, args=(k,), daemon=True)
                   for k in range(clients)]
        for t in threads:
            t.start()
        cpu0 = server.cpu()
        t0 = time.monotonic()
        stop[0] = t0 + seconds
        barrier.wait()
        for t in threads:
            t.join()
        wall = time.monotonic() - t0
        server.wait_quiet()
        cpu = server.cpu() - cpu0
        latencies = [x for part in lat for x in part]
        return len(latencies), wall, cpu, latencies, errors

    def workload_a(self, fmt, table):
        clients, seconds = self.args.clients, self.args.seconds
        rate = table.row("%s: sessions/s, %d clients" % (fmt, clients), True)
        cpu = table.row("%s: server CPU per session" % fmt, False, "ms")
        p99 = table.row("%s: p99 session time" % fmt, False, "ms")
        p50 = table.row("%s: median session time" % fmt, False, "ms")
        for r in range(self.args.rounds_ab):
            self.spawn_cost()
            for s in self.rotation(r):
                n, wall, c, lat, errors = self.sessions_window(
                    s, clients, seconds)
                if errors:
                    rate.notes[s.key] = "%d errors" % len(errors)
                    log("  %s: %d errors, the first: %s"
                        % (s.title, len(errors), errors[0]))
                    if s.key == "pop3d":
                        self.failed = True
                if not n:
                    continue
                rate.add(s.key, n / wall)
                cpu.add(s.key, 1000.0 * c / n)
                p99.add(s.key, 1000.0 * percentile(lat, 99))
                p50.add(s.key, 1000.0 * median(lat))
                log("  A %-7s round %d %-9s %5d sessions in %.2fs: %6.1f/s, "
                    "CPU %.2f ms/session, p50 %.1f ms, p99 %.1f ms"
                    % (fmt, r + 1, s.title, n, wall, n / wall,
                       1000.0 * c / n, 1000.0 * median(lat),
                       1000.0 * percentile(lat, 99)))

    # ------------------------------------------------------------ B

    def tree_memory(self, server):
        """(total PSS KiB, processes, {kind: (count, PSS, CPU seconds)})
        of the tree; a kind is a command name and a user."""
        total, count, kinds = 0, 0, {}
        for pid, comm, uid, _ in process_tree(server.proc.pid):
            kib = pss_kib(pid)
            try:
                who = pwd.getpwuid(uid).pw_name
            except KeyError:
                who = str(uid)
            if who.startswith(ACCOUNT_PREFIX):
                who = "user"
            kind = "%s as %s" % (comm, who)
            n, k, c = kinds.get(kind, (0, 0, 0))
            kinds[kind] = (n + 1, k + kib, c + run_seconds(pid))
            total += kib
            count += 1
        return total, count, kinds

    def workload_b(self, fmt, table):
        sessions = self.args.sessions
        per = table.row("%s: PSS per idle session" % fmt, False, "KiB")
        procs = table.row("%s: processes per session" % fmt, False)
        base = table.row("%s: PSS of the idle server" % fmt, False, "KiB")
        for r in range(self.args.rounds_ab):
            for s in self.rotation(r):
                s.wait_quiet()
                time.sleep(0.5)
                idle, idle_n, idle_kinds = self.tree_memory(s)
                conns = []
                try:
                    for i in range(1, sessions + 1):
                        c = Client(s.port)
                        conns.append(c)
                        c.login(*self.user(i))
                        c.ok("STAT")
                    time.sleep(1.0)     # every process settled, idle
                    full, full_n, kinds = self.tree_memory(s)
                    in_sessions = len(s.session_processes())
                finally:
                    for c in conns:
                        try:
                            c.quit()
                        except Exception:
                            c.close()
                per.add(s.key, (full - idle) / sessions)
                procs.add(s.key, in_sessions / sessions)
                base.add(s.key, idle)
                # the processes of the sessions: their PSS, and the CPU
                # they have used so far (to log in and STAT)
                detail = ", ".join(
                    "%s %d (%.0f KiB, %.1f ms CPU each)"
                    % (k, n - idle_kinds.get(k, (0,))[0], kib / n,
                       1000.0 * cpu / n)
                    for k, (n, kib, cpu) in sorted(kinds.items())
                    if n - idle_kinds.get(k, (0,))[0] > 0)
                log("  B %-7s round %d %-9s idle %d KiB in %d processes; "
                    "with %d sessions %d KiB in %d: %.0f KiB/session [%s]"
                    % (fmt, r + 1, s.title, idle, idle_n, sessions, full,
                       full_n, (full - idle) / sessions, detail))
                s.wait_quiet()

    # ------------------------------------------------------------ A and B

    def small_workloads(self, only):
        table_a = self.table("A: login, STAT, QUIT") if "A" in only else None
        table_b = self.table("B: idle logged-in sessions") \
            if "B" in only else None
        users = list(range(1, (self.args.sessions if "B" in only else
                               self.args.clients) + 1))
        templates = self.small_templates()
        for fmt in FORMATS:
            if fmt not in self.args.formats:
                continue
            for s in self.running():
                for i in users:
                    self.put_mailbox(s, user_name(i), fmt, templates)
                s.start(fmt)
                self.warm_up(s, users)
            log("%s: %d users, %d messages each, servers warmed up"
                % (fmt, len(users), SMALL_MSGS))
            try:
                if table_a:
                    self.workload_a(fmt, table_a)
                if table_b:
                    self.workload_b(fmt, table_b)
            finally:
                for s in self.running():
                    s.stop()
        if table_a:
            table_a.notes.append(
                "\nA: %d clients at once for %g s per sample, each session "
                "USER, PASS, STAT, QUIT (connect to close) on a mailbox of "
                "%d messages; server CPU from /proc, all processes of the "
                "server." % (self.args.clients, self.args.seconds,
                             SMALL_MSGS))
        if table_b:
            table_b.notes.append(
                "\nB: %d sessions logged in (USER, PASS, STAT) and idle; "
                "PSS of the server's process tree with them, less that of "
                "the idle server, divided by %d."
                % (self.args.sessions, self.args.sessions))

    # ------------------------------------------------------------ C

    def big_message(self, i):
        head = (b"From: sender%d@example.org\nTo: user@bench.test\n"
                b"Subject: message %d of the big mailbox\n"
                b"Message-ID: <%d.big@example.org>\n"
                b"Date: Mon, 01 Jan 2024 00:00:00 +0000\n\n" % (i % 97, i, i))
        line = (b"%08d the quick brown fox jumps over the lazy dog, "
                b"mail body text\n" % i)
        body = line * ((BIG_MSG_SIZE - len(head)) // len(line))
        pad = BIG_MSG_SIZE - len(head) - len(body)
        return head + body + b"x" * (pad - 1) + b"\n"

    def big_templates(self, n):
        """The big mailbox in both formats, written as a stream."""
        base = os.path.join(self.tmp, "templates", "big")
        if os.path.exists(base):
            return base
        t0 = time.monotonic()
        os.makedirs(os.path.join(base, "Maildir", "new"))
        for d in ("cur", "tmp"):
            os.makedirs(os.path.join(base, "Maildir", d))
        with open(os.path.join(base, "mbox"), "wb") as mbox:
            for i in range(n):
                msg = self.big_message(i)
                mbox.write(b"From sender%d@example.org Mon Jan  1 00:00:00 "
                           b"2024\n" % (i % 97) + msg + b"\n")
                if "maildir" in self.args.formats:
                    with open(os.path.join(base, "Maildir", "new",
                                           "%d.M%dP1.bench" % (1700000000 + i,
                                                               i)),
                              "wb") as f:
                        f.write(msg)
        log("big mailbox: %d messages of %d octets, %.0f MB, written in %.1fs"
            % (n, BIG_MSG_SIZE, n * BIG_MSG_SIZE / 1e6,
               time.monotonic() - t0))
        return base

    def uidl_session(self, server, user):
        """(PASS to +OK, whole session) in seconds; session = connect,
        greeting, USER, PASS, UIDL, QUIT, close."""
        t0 = time.monotonic()
        c = Client(server.port, timeout=600)
        try:
            c.ok()
            c.ok("USER " + user[0])
            t1 = time.monotonic()
            c.ok("PASS " + user[1])
            t2 = time.monotonic()
            c.multi("UIDL")
            c.quit()
        finally:
            c.close()
        return t2 - t1, time.monotonic() - t0

    def download(self, server, user, n, window):
        """A session that downloads the mailbox, RETR 1..n (or as many as
        --download-seconds allow), `window` commands in flight; (messages,
        octets, seconds of the RETRs, seconds of the QUIT that follows,
        server CPU seconds during the RETRs)."""
        c = Client(server.port, timeout=600)
        try:
            c.login(*user)
            cpu0 = server.cpu()
            t0 = time.monotonic()
            msgs, octets = c.retr_all(n, window, self.args.download_seconds)
            t1 = time.monotonic()
            cpu = server.cpu() - cpu0
            c.quit()
            t2 = time.monotonic()
        finally:
            c.close()
        return msgs, octets, t1 - t0, t2 - t1, cpu

    def dele_quit(self, server, user):
        c = Client(server.port, timeout=600)
        try:
            c.login(*user)
            c.ok("DELE 1")
            t0 = time.monotonic()
            c.ok("QUIT")
            took = time.monotonic() - t0
            while c.sock.recv(65536):
                pass
        finally:
            c.close()
        return took

    def workload_c(self):
        n = self.args.scale
        table = self.table("C: %s messages of 10 KiB" % "{:,}".format(n))
        base = self.big_templates(n)
        user = self.user(0)
        rounds = self.args.rounds_c
        for fmt in FORMATS:
            if fmt not in self.args.formats:
                continue
            rows = {
                "pass1": table.row("%s: PASS→+OK, first session" % fmt,
                                   False, "ms"),
                "pass2": table.row("%s: PASS→+OK, warm" % fmt, False, "ms"),
                "uidl1": table.row("%s: UIDL session, first ever" % fmt,
                                   False, "ms"),
                "uidl2": table.row("%s: UIDL session, warm" % fmt, False,
                                   "ms"),
                "mbs": table.row("%s: download, one RETR at a time" % fmt,
                                 True, "MB/s"),
                "cpu": table.row("%s: server CPU per GB downloaded" % fmt,
                                 False, "s"),
                "quitr": table.row("%s: QUIT after the download" % fmt,
                                   False, "ms"),
                "mbs16": table.row("%s: download, %d RETRs in flight"
                                   % (fmt, PIPELINE), True, "MB/s"),
                "quitd": table.row("%s: QUIT after DELE 1" % fmt, False,
                                   "ms"),
            }
            for s in self.running():
                s.start(fmt)
            try:
                for r in range(rounds):
                    for s in self.rotation(r):
                        self.big_round(s, fmt, base, user, n, r, rows)
                    if fmt == "mbox":   # in the same conditions
                        self.machine_limits(base, n)
            finally:
                for s in self.running():
                    s.stop()
        table.notes.append(
            "\nC: one mailbox of %d messages of %d octets (LF), a fresh copy "
            "for each server and sample; first session = the first the "
            "server ever had on it; a download session logs in, sends RETR "
            "1..n (one at a time, or %d in flight, RFC 2449 PIPELINING) for "
            "at most %g s, and QUITs; MB = 10^6 octets received; server CPU "
            "from /proc over the RETRs of the one-at-a-time download."
            % (n, BIG_MSG_SIZE, PIPELINE, self.args.download_seconds))
        for (title, fmt, what), counts in sorted(self.partial.items()):
            table.notes.append(
                "%s, %s, %s: %s of the %d messages in the %g s allowed."
                % (title, fmt, what, ", ".join(str(c) for c in counts), n,
                   self.args.download_seconds))

    def big_round(self, s, fmt, base, user, n, r, rows):
        self.put_mailbox(s, user[0], fmt, base)
        s.wait_quiet()
        p1, u1 = self.uidl_session(s, user)
        p2, u2 = self.uidl_session(s, user)
        s.wait_quiet()
        msgs, octets, secs, quit_r, cpu = self.download(s, user, n, 1)
        s.wait_quiet()
        msgs16, octets16, secs16, _, _ = self.download(s, user, n, PIPELINE)
        quit_d = self.dele_quit(s, user)
        s.wait_quiet()
        for key, v in (("pass1", 1000 * p1), ("pass2", 1000 * p2),
                       ("uidl1", 1000 * u1), ("uidl2", 1000 * u2),
                       ("mbs", octets / 1e6 / secs),
                       ("cpu", cpu / (octets / 1e9)),
                       ("quitr", 1000 * quit_r),
                       ("mbs16", octets16 / 1e6 / secs16),
                       ("quitd", 1000 * quit_d)):
            rows[key].add(s.key, v)
        for what, m in (("one RETR at a time", msgs),
                        ("%d in flight" % PIPELINE, msgs16)):
            if m < n:
                self.partial.setdefault((s.title, fmt, what), []).append(m)
        log("  C %-7s round %d %-9s PASS %.0f/%.0f ms, UIDL session "
            "%.0f/%.0f ms, RETR %d: %.0f MB in %.2fs = %.1f MB/s, CPU %.2fs "
            "(%.2f s/GB), QUIT %.0f ms; pipelined %d: %.1f MB/s; DELE 1 + "
            "QUIT %.0f ms"
            % (fmt, r + 1, s.title, 1000 * p1, 1000 * p2, 1000 * u1,
               1000 * u2, msgs, octets / 1e6, secs, octets / 1e6 / secs, cpu,
               cpu / (octets / 1e9), 1000 * quit_r, msgs16,
               octets16 / 1e6 / secs16, 1000 * quit_d))
        shutil.rmtree(os.path.join(self.accounts.home(user[0]), s.key), True)

    def spawn_cost(self):
        """CPU of a fork and exit, and of a fork, exec and exit, each
        waited for, from sh: what a process per session costs here."""
        rows = [self.limits.row("fork + exit + wait, from sh", False,
                                "ms CPU"),
                self.limits.row("fork + exec /bin/true + exit + wait, from sh",
                                False, "ms CPU")]
        for row, body in zip(rows, ("( : )", "/bin/true")):
            t0 = os.times()
            subprocess.run(["sh", "-c", "i=0; while [ $i -lt 200 ]; do %s; "
                            "i=$((i+1)); done" % body], check=True)
            t1 = os.times()
            row.add("limit", 1000.0 * (t1.children_user + t1.children_system
                                       - t0.children_user
                                       - t0.children_system) / 200)

    def machine_limits(self, base, n):
        table = self.limits
        mbox = os.path.join(base, "mbox")
        size = os.path.getsize(mbox)
        cat = table.row("page-cache read of the mbox (cat > /dev/null)", True,
                        "MB/s")
        cp = table.row("fsync'ed copy of the mbox (dd conv=fsync)", False,
                       "ms")
        pp = table.row("loopback ping-pong, 10 KiB replies, one at a time",
                       True, "MB/s")
        pp16 = table.row("loopback ping-pong, 10 KiB replies, %d in flight"
                         % PIPELINE, True, "MB/s")
        subprocess.run(["cat", mbox], stdout=subprocess.DEVNULL)
        t0 = time.monotonic()
        subprocess.run(["cat", mbox], stdout=subprocess.DEVNULL)
        cat.add("limit", size / 1e6 / (time.monotonic() - t0))
        copy = os.path.join(self.tmp, "mbox.copy")
        t0 = time.monotonic()
        subprocess.run(["dd", "if=" + mbox, "of=" + copy, "bs=1M",
                        "conv=fsync", "status=none"], check=True)
        cp.add("limit", 1000 * (time.monotonic() - t0))
        os.unlink(copy)
        pp.add("limit", self.ping_pong(n, 1))
        pp16.add("limit", self.ping_pong(n, PIPELINE))
        log("  limits: cat %.0f MB/s, fsync'ed copy %.0f ms, ping-pong "
            "%.1f MB/s, %d in flight %.1f MB/s (%.0f MB mbox)"
            % (cat.samples["limit"][-1], cp.samples["limit"][-1],
               pp.samples["limit"][-1], PIPELINE, pp16.samples["limit"][-1],
               size / 1e6))

    def ping_pong(self, n, window):
        """A server that answers each line with a RETR-sized reply, the
        Client reading it as it reads RETR: what loopback and this client
        allow."""
        reply = (b"+OK\r\n" + self.big_message(0).replace(b"\n", b"\r\n")
                 + b".\r\n")
        path = os.path.join(self.tmp, "reply")
        with open(path, "wb") as f:
            f.write(reply)
        code = r"""
import socket, sys
reply = open(sys.argv[1], "rb").read()
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
print(srv.getsockname()[1], flush=True)
c, _ = srv.accept()
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
c.sendall(b"+OK ready\r\n")
buf = b""
while True:
    data = c.recv(65536)
    if not data:
        break
    buf += data
    k = buf.count(b"\n")
    if k:
        buf = buf[buf.rindex(b"\n") + 1:]
        c.sendall(reply * k)
"""
        p = subprocess.Popen([sys.executable, "-c", code, path],
                             stdout=subprocess.PIPE, text=True)
        try:
            port = int(p.stdout.readline())
            c = Client(port)
            c.ok()
            t0 = time.monotonic()
            _, octets = c.retr_all(n, window, self.args.download_seconds)
            took = time.monotonic() - t0
            c.close()
        finally:
            p.kill()
            p.wait()
        return octets / 1e6 / took


# ---------------------------------------------------------------- report

def machine_line():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%d CPUs (%s), %s, Linux %s" % (
        os.cpu_count() or 0, model or platform.machine(),
        "%.1f GiB RAM" % (os.sysconf("SC_PAGE_SIZE") *
                          os.sysconf("SC_PHYS_PAGES") / 2 ** 30),
        platform.release())


def report(bench, args, started, load0):
    lines = []
    lines.append("Run of %s UTC, %.0f s; %s; load average %s at the start, "
                 "%s at the end."
                 % (time.strftime("%Y-%m-%d %H:%M", time.gmtime(started)),
                    time.time() - started, machine_line(),
                    "/".join("%.1f" % x for x in load0),
                    "/".join("%.1f" % x for x in os.getloadavg())))
    lines.append("Servers: %s." % "; ".join(
        "%s: %s" % (s.title, s.missing or s.version) for s in bench.servers))
    if args.from_make:
        lines.append("Command: `make bench BENCH_ARGS=\"%s\"`."
                     % " ".join(args.argv))
    else:
        lines.append("Command: `%s`." % " ".join(
            ["python3 testsuite/bench/peers.py"] + args.argv))
    lines.append("")
    lines.append("↑ more is better, ↓ less is better; pop3d/best peer "
                 "divides pop3d's figure by the better of the peers'.")
    for t in bench.tables + ([bench.limits] if bench.limits.rows else []):
        lines.append("")
        if t is bench.limits:
            lines.append("| physical limit | value |")
            lines.append("|---|---:|")
            for r in t.rows:
                lines.append("| %s (%s) | %s |" % (r.label, r.unit,
                                                   fmt_num(r.value("limit"))))
        else:
            lines.append(t.markdown(bench.servers))
    return "\n".join(lines) + "\n"


def update_doc(text):
    path = os.path.join(SRCDIR, "doc", "performance.md")
    with open(path) as f:
        doc = f.read()
    i, j = doc.find(DOC_BEGIN), doc.find(DOC_END)
    if i < 0 or j < i:
        raise BenchError("%s has no %s ... %s block" % (path, DOC_BEGIN,
                                                         DOC_END))
    doc = doc[:i + len(DOC_BEGIN)] + "\n" + text + doc[j:]
    with open(path, "w") as f:
        f.write(doc)
    log("wrote the tables into %s" % path)


# ---------------------------------------------------------------- main

def default_pop3d():
    builddir = os.environ.get("top_builddir")
    for d in ([builddir] if builddir else []) + [
            os.path.join(SRCDIR, "_build"), SRCDIR]:
        p = os.path.join(d, "pop3d", "pop3d")
        if os.access(p, os.X_OK):
            return p
    return os.path.join(builddir or SRCDIR, "pop3d", "pop3d")


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="pop3d beside Dovecot and GNU Mailutils pop3d")
    p.add_argument("--only", default="ABC",
                   help="workloads to run, e.g. A or A,C (default: all)")
    p.add_argument("--servers", default="dovecot,mailutils,pop3d",
                   help="servers to run (default: dovecot,mailutils,pop3d)")
    p.add_argument("--formats", default="mbox,maildir",
                   help="mailbox formats (default: mbox,maildir)")
    p.add_argument("--clients", type=int, default=8,
                   help="A: concurrent clients (default 8)")
    p.add_argument("--seconds", type=float, default=5.0,
                   help="A: seconds per sample (default 5)")
    p.add_argument("--sessions", type=int, default=100,
                   help="B: idle sessions (default 100)")
    p.add_argument("--scale", type=int, default=10000,
                   help="C: messages in the big mailbox (default 10000; "
                   "100000 is about 1 GB)")
    p.add_argument("--download-seconds", type=float, default=10.0,
                   help="C: most seconds of RETRs per download (default "
                   "10): a slow server gets a partial download")
    p.add_argument("--rounds", type=int, default=None,
                   help="samples per figure (default 3 for A and B, "
                   "2 for C; at least 2)")
    p.add_argument("--pop3d", default=default_pop3d(),
                   help="the pop3d to measure (default: this build's)")
    p.add_argument("--markdown", metavar="FILE",
                   help="also write the tables to FILE")
    p.add_argument("--update-doc", action="store_true",
                   help="write the tables into doc/performance.md")
    p.add_argument("--keep", action="store_true",
                   help="keep the temporary directory (not the accounts)")
    args = p.parse_args(argv)
    args.argv = argv
    args.only = set(args.only.replace(",", "").upper())
    args.servers = set(args.servers.split(","))
    args.formats = set(args.formats.replace("Maildir", "maildir").split(","))
    if not args.only <= set("ABC") or not args.only:
        p.error("--only takes letters among A, B and C")
    if not args.formats <= set(FORMATS) or not args.formats:
        p.error("--formats takes mbox and maildir")
    rounds = max(2, args.rounds) if args.rounds else None
    args.rounds_ab = rounds or 3
    args.rounds_c = rounds or 2
    return args


def install_peers():
    want = []
    if not os.access("/usr/lib/dovecot/pop3", os.X_OK):
        want.append("dovecot-pop3d")
    if not os.access("/usr/sbin/pop3d", os.X_OK):
        want.append("mailutils-pop3d")
    if want:
        log("BENCH_INSTALL_PEERS=1: apt-get install -y %s" % " ".join(want))
        r = subprocess.run(["apt-get", "install", "-y"] + want,
                           stdout=subprocess.DEVNULL)
        if r.returncode != 0:
            log("apt-get failed (%d); going on without them" % r.returncode)


def main(argv):
    from_make = not argv and "BENCH_ARGS" in os.environ
    if from_make:
        argv = shlex.split(os.environ["BENCH_ARGS"])
    args = parse_args(argv)
    args.from_make = from_make
    log("pop3d beside Dovecot and GNU Mailutils pop3d")
    if os.geteuid() != 0:
        log("skipped: needs root (it creates system accounts and "
            "%s for the time of the run)" % PAM_FILE)
        return 0
    if os.environ.get("BENCH_INSTALL_PEERS") == "1":
        install_peers()
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_signal)
    started, load0 = time.time(), os.getloadavg()
    try:
        bench = Bench(args)
        for s in bench.servers:
            log("  %-9s %s" % (s.title, s.missing or s.version))
        if any(s.key == "pop3d" and s.missing for s in bench.servers):
            raise BenchError("no pop3d to measure (%s)" % args.pop3d)
        if not bench.running():
            raise BenchError("no server to measure")
        users = 1 + max(args.clients if "A" in args.only else 0,
                        args.sessions if "B" in args.only else 0)
        install_pam_service()
        bench.accounts = Accounts(bench.tmp, users)
        if args.only & set("AB"):
            bench.small_workloads(args.only)
        if "C" in args.only:
            bench.workload_c()
        text = report(bench, args, started, load0)
        log("")
        log(text)
        if args.markdown:
            with open(args.markdown, "w") as f:
                f.write(text)
        if args.update_doc:
            update_doc(text)
        return 1 if bench.failed else 0
    except BenchError as e:
        log("peers.py: %s" % e)
        return 1
    finally:
        run_cleanups()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
