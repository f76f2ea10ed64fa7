"""pop3test -- shared helpers for the pop3d protocol and interop tests.

Every test is a small Python 3 script run by `make check` with these
environment variables set: top_srcdir, top_builddir (absolute paths) and
PYTHONPATH pointing here.  A test exits 0 on pass, 1 on fail (77 skip).

API (keep it stable: testsuite/proto/ and testsuite/interop/ use it)
---------------------------------------------------------------------

Running a test
    run(func, timeout=120)
        Call func(); exit 0 if it returns, 1 on any exception (printing the
        traceback).  A SIGALRM after `timeout` seconds fails a hung test.
    check(cond, what)            raise TestFailure(what) unless cond
    check_eq(got, want, what)    raise TestFailure showing both values
    TestFailure                  the exception a failed check raises

Paths
    POP3D, POPAUTH               built binaries ($top_builddir/pop3d/...)
    TempDir()                    a temporary directory, removed at exit
                                 (kept when POP3TEST_KEEP=1); .path,
                                 .join(*parts)

Mailboxes (messages are lists of bytes, each one complete message)
    FORMATS                      ("mbox", "maildir", "mh")
    make_mbox(path, msgs)        mboxrd file: From_ lines, >From quoting
    make_maildir(path, msgs, subdir="new")
                                 one file per message, named so that
                                 numeric and lexical order agree
    make_mh(path, msgs)          files 1, 2, ...
    make_mailbox(fmt, path, msgs) -> url   one of the above; returns
                                 "mbox:PATH", "maildir:PATH" or "mh:PATH"
    mailbox_messages(fmt, path) -> list of bytes
                                 the messages now stored (mbox: unquoted,
                                 without From_ line and separator); for
                                 checking what survived a session
    wire_form(msg) -> bytes      the message as RETR sends it: CRLF line
                                 ends (a missing final one added),
                                 dot-stuffed, without the final "." line
    wire_size(msg) -> int        the size STAT/LIST report: CRLF octets
                                 before dot-stuffing
    top_form(msg, n) -> bytes    what TOP msg n sends (same conventions)

Configuration and users
    write_config(path, settings) write `name = value` lines (a dict; a
                                 None value omits the directive); returns path
    Setup(tmp, fmt="mbox", msgs=(), user="alice", password="secret",
          apop=False, extra=None)
        The usual fixture: a popauth database with one user, that user's
        mailbox (template <tmp>/mail/%u, in the given format) filled with
        msgs, and a config file.  Attributes: conf (config path), db,
        user, password, mailbox_path, url, log (log file path), settings
        (dict, written to conf), tmp, fmt.  Methods: add_user(name,
        password, apop=False, mailbox=None); rewrite(**changes) updates
        settings and rewrites conf (keyword names are directive names; a
        None value removes the directive); messages() -> the messages now
        stored in the user's mailbox (see mailbox_messages).
    add_popauth_user(db, user, password, apop=False, mailbox=None)
        runs `popauth -f DB -a USER -p PASS [--apop] [--mailbox URL]`

Talking to pop3d
    Pop3Pipe(conf, args=("-i",), env=None, read_greeting=True, pop3d=None)
        `pop3d ARGS -c CONF` as a subprocess with pipes (.proc is the
        Popen); stderr goes to a file (.stderr() returns its text).
        .close_input() drops the client side; .wait(timeout) -> exit
        status; .kill().  pop3d replaces the program (e.g. strace, with
        POP3D among args).
    Pop3Daemon(setup_or_conf, args=(), addr="127.0.0.1", pop3d=None)
        `pop3d -d ARGS --foreground -c CONF` on a free port of addr ("-d"
        is added unless args has a -d/--daemon option).  .start() picks
        the port, rewrites the config (pop3_listen_addr/pop3_listen_port)
        and waits until the port is listening (without connecting to it);
        .port, .proc; .connect(read_greeting=True, source=None) ->
        Pop3Socket;
        .stop(sig=SIGTERM, timeout=10) -> exit status; .stderr().  Also
        usable as a context manager.
    Pop3Socket(host, port, read_greeting=True, source=None)
                                 a TCP client connection; source: the local
                                 address to connect from (127.0.0.2, ...)

    Pop3Pipe and Pop3Socket share this interface (timeouts in seconds; a
    reply that does not come in time fails the test, never hangs it):
        send(data)               bytes or str, sent as is
        cmd(line) -> bytes       send line + CRLF, return one reply line
                                 (with its CRLF)
        read_line() -> bytes     one line including CRLF
        read_until(term) -> bytes  up to and including term
        read_multi() -> bytes    everything up to and including the
                                 terminating ".\\r\\n" line
        read_exact(n) -> bytes
        expect(data)             read len(data) bytes and require them to
                                 equal data (bytes or str)
        expect_line_prefix(p) -> bytes   one line that must start with p
        expect_eof()             the server closes the connection and sends
                                 nothing more
        login(user, password)    USER/PASS, both answered +OK
        greeting -> bytes        the greeting line (read at start)
        close()

Small helpers
    apop_digest(greeting, secret) -> str   MD5 hex of <timestamp>secret
    free_port(addr="127.0.0.1") -> int     a TCP port free right now
"""

import hashlib
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

DEFAULT_TIMEOUT = 10.0

top_srcdir = os.environ.get("top_srcdir",
                            os.path.join(os.path.dirname(__file__), "..", ".."))
top_builddir = os.environ.get("top_builddir", top_srcdir)
POP3D = os.path.join(top_builddir, "pop3d", "pop3d")
POPAUTH = os.path.join(top_builddir, "pop3d", "popauth")
FORMATS = ("mbox", "maildir", "mh")


# ---------------------------------------------------------------- running

class TestFailure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise TestFailure(what)


def check_eq(got, want, what="value"):
    if got != want:
        raise TestFailure("%s:\n  got:  %r\n  want: %r" % (what, got, want))


def _alarm(signum, frame):
    raise TestFailure("test timed out")


def run(func, timeout=120):
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout)
    try:
        func()
    except SystemExit:
        raise
    except BaseException:
        traceback.print_exc()
        sys.stdout.flush()
        _cleanup_all()
        os._exit(1)
    signal.alarm(0)
    _cleanup_all()
    sys.exit(0)


_cleanups = []


def _cleanup_all():
    while _cleanups:
        fn = _cleanups.pop()
        try:
            fn()
        except Exception:
            pass


class TempDir:
    def __init__(self, prefix="pop3test-"):
        self.path = tempfile.mkdtemp(prefix=prefix)
        if os.environ.get("POP3TEST_KEEP") != "1":
            _cleanups.insert(0, lambda: shutil.rmtree(self.path, True))
        else:
            print("keeping", self.path)

    def join(self, *parts):
        return os.path.join(self.path, *parts)


# ---------------------------------------------------------------- mailboxes

def _lines(msg):
    """Split a message into (line, has_lf) pairs; CR before LF is dropped."""
    out = []
    pos = 0
    while pos < len(msg):
        nl = msg.find(b"\n", pos)
        if nl < 0:
            out.append((msg[pos:], False))
            break
        line = msg[pos:nl]
        if line.endswith(b"\r"):
            line = line[:-1]
        out.append((line, True))
        pos = nl + 1
    return out


def wire_size(msg):
    return sum(len(line) + 2 for line, _ in _lines(msg))


def _stuff(line):
    return b"." + line if line.startswith(b".") else line


def wire_form(msg):
    return b"".join(_stuff(line) + b"\r\n" for line, _ in _lines(msg))


def top_form(msg, n):
    out = []
    in_body = False
    body_lines = 0
    for line, _ in _lines(msg):
        if in_body:
            if body_lines >= n:
                break
            body_lines += 1
        elif line == b"":
            in_body = True
        out.append(_stuff(line) + b"\r\n")
    return b"".join(out)


def _is_from_line(line):
    stripped = line.lstrip(b">")
    return stripped.startswith(b"From ")


def make_mbox(path, msgs):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        for i, msg in enumerate(msgs):
            f.write(b"From sender%d@example.org Mon Jan  1 00:00:%02d 2024\n"
                    % (i, i % 60))
            for line in msg.splitlines(keepends=True):
                if _is_from_line(line):
                    line = b">" + line
                f.write(line)
            if msg and not msg.endswith(b"\n"):
                f.write(b"\n")
            f.write(b"\n")
    return path


def make_maildir(path, msgs, subdir="new"):
    for d in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(path, d), exist_ok=True)
    base = 1700000000
    for i, msg in enumerate(msgs):
        name = "%d.M%06dP%d.pop3test" % (base + i, i, os.getpid())
        if subdir == "cur":
            name += ":2,"
        fn = os.path.join(path, subdir, name)
        with open(fn, "wb") as f:
            f.write(msg)
        os.utime(fn, (base + i, base + i))
    return path


def make_mh(path, msgs):
    os.makedirs(path, exist_ok=True)
    for i, msg in enumerate(msgs):
        with open(os.path.join(path, str(i + 1)), "wb") as f:
            f.write(msg)
    return path


def make_mailbox(fmt, path, msgs):
    if fmt == "mbox":
        make_mbox(path, msgs)
    elif fmt == "maildir":
        make_maildir(path, msgs)
    elif fmt == "mh":
        make_mh(path, msgs)
    else:
        raise ValueError("unknown format " + fmt)
    return "%s:%s" % (fmt, path)


def _mbox_messages(path):
    if not os.path.exists(path):
        return []
    with open(path, "rb") as f:
        data = f.read()
    msgs = []
    cur = None
    for line in data.splitlines(keepends=True):
        if line.startswith(b"From ") and (cur is None or cur[-1:] == [b"\n"]
                                          or not cur):
            if cur is not None:
                if cur and cur[-1] == b"\n":
                    cur.pop()
                msgs.append(b"".join(cur))
            cur = []
            continue
        if cur is None:
            continue
        if line.startswith(b">") and _is_from_line(line):
            line = line[1:]
        cur.append(line)
    if cur is not None:
        if cur and cur[-1] == b"\n":
            cur.pop()
        msgs.append(b"".join(cur))
    return msgs


def _maildir_key(name):
    head = name.split(".", 1)[0]
    return (int(head) if head.isdigit() else 0, name)


def mailbox_messages(fmt, path):
    if fmt == "mbox":
        return _mbox_messages(path)
    out = []
    if fmt == "maildir":
        names = []
        for d in ("new", "cur"):
            p = os.path.join(path, d)
            if os.path.isdir(p):
                names += [(n, os.path.join(p, n)) for n in os.listdir(p)
                          if not n.startswith(".")]
        names.sort(key=lambda t: _maildir_key(t[0]))
        files = [fn for _, fn in names]
    elif fmt == "mh":
        files = [os.path.join(path, n)
                 for n in sorted((n for n in os.listdir(path) if n.isdigit()),
                                 key=int)] if os.path.isdir(path) else []
    else:
        raise ValueError("unknown format " + fmt)
    for fn in files:
        with open(fn, "rb") as f:
            out.append(f.read())
    return out


# ---------------------------------------------------------------- config, users

def write_config(path, settings):
    with open(path, "w") as f:
        for name, value in settings.items():
            if value is None:
                continue
            f.write("%s = %s\n" % (name, value))
    return path


def add_popauth_user(db, user, password, apop=False, mailbox=None):
    argv = [POPAUTH, "-f", db, "-a", user, "-p", password]
    if apop:
        argv.append("--apop")
    if mailbox is not None:
        argv += ["--mailbox", mailbox]
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=DEFAULT_TIMEOUT)
    if r.returncode != 0:
        raise TestFailure("popauth failed (%d): %s" %
                          (r.returncode, r.stderr.decode(errors="replace")))


class Setup:
    def __init__(self, tmp, fmt="mbox", msgs=(), user="alice",
                 password="secret", apop=False, extra=None):
        self.tmp = tmp
        self.fmt = fmt
        self.user = user
        self.password = password
        self.db = tmp.join("popauth.db")
        self.log = tmp.join("pop3d.log")
        self.conf = tmp.join("pop3d.conf")
        self.maildir_root = tmp.join("mail")
        os.makedirs(self.maildir_root, exist_ok=True)
        self.mailbox_path = os.path.join(self.maildir_root, user)
        self.url = make_mailbox(fmt, self.mailbox_path, list(msgs))
        self.settings = {
            "host_id": "pop3.test",
            "auth": "popauth",
            "popauth_db": self.db,
            "mailbox": "%s:%s/%%u" % (fmt, self.maildir_root),
            "lock_timeout": "2s",
            "pop3_log_file": self.log,
            "pop3_log_level": "6",
            # blocks and LOGIN-DELAY live here: never the system default
            "stat_file": tmp.join("stat.db"),
        }
        if extra:
            self.settings.update(extra)
        add_popauth_user(self.db, user, password, apop=apop)
        write_config(self.conf, self.settings)

    def add_user(self, name, password, apop=False, mailbox=None):
        add_popauth_user(self.db, name, password, apop=apop, mailbox=mailbox)

    def rewrite(self, **changes):
        self.settings.update(changes)
        write_config(self.conf, self.settings)

    def messages(self):
        return mailbox_messages(self.fmt, self.mailbox_path)


# ---------------------------------------------------------------- connections

class _Conn:
    """Buffered reader with timeouts over some byte transport."""

    timeout = DEFAULT_TIMEOUT

    def __init__(self):
        self.buf = bytearray()
        self.eof = False
        self.greeting = None

    # transports implement _recv_some(timeout) -> bytes (b"" at EOF, None
    # on timeout) and _send_all(data)

    def _fill(self, deadline):
        if self.eof:
            return False
        left = deadline - time.monotonic()
        if left <= 0:
            raise TestFailure("timed out waiting for the server; have %r"
                              % bytes(self.buf[:400]))
        data = self._recv_some(left)
        if data is None:
            raise TestFailure("timed out waiting for the server; have %r"
                              % bytes(self.buf[:400]))
        if data == b"":
            self.eof = True
            return False
        self.buf += data
        return True

    def read_until(self, term, timeout=None, start=0):
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            i = self.buf.find(term, start)
            start = max(start, len(self.buf) - len(term) + 1)
            if i >= 0:
                end = i + len(term)
                out = bytes(self.buf[:end])
                del self.buf[:end]
                return out
            if not self._fill(deadline):
                raise TestFailure("connection closed before %r; have %r"
                                  % (term, bytes(self.buf[:400])))

    def read_line(self, timeout=None):
        return self.read_until(b"\r\n", timeout)

    def read_multi(self, timeout=None):
        """Up to and including the ".\\r\\n" line that ends a multi-line
        response (the first line included)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        searched = 0            # no terminator before this offset
        while True:
            if self.buf.startswith(b".\r\n"):
                end = 3
            else:
                i = self.buf.find(b"\r\n.\r\n", searched)
                end = i + 5 if i >= 0 else -1
                searched = max(0, len(self.buf) - 4)
            if end >= 0:
                out = bytes(self.buf[:end])
                del self.buf[:end]
                return out
            if not self._fill(deadline):
                raise TestFailure("connection closed inside a multi-line "
                                  "reply; have %r" % bytes(self.buf[-400:]))

    def read_exact(self, n, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while len(self.buf) < n:
            if not self._fill(deadline):
                raise TestFailure("connection closed after %d of %d bytes: %r"
                                  % (len(self.buf), n, bytes(self.buf[:400])))
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def expect(self, data, timeout=None):
        if isinstance(data, str):
            data = data.encode()
        deadline = time.monotonic() + (timeout or self.timeout)
        while len(self.buf) < len(data):
            # fail early on a mismatch instead of waiting for more bytes
            if not data.startswith(bytes(self.buf)):
                break
            if not self._fill(deadline):
                break
        got = bytes(self.buf[:len(data)])
        del self.buf[:len(data)]
        check_eq(got, data, "server reply")
        return got

    def expect_line_prefix(self, prefix, timeout=None):
        if isinstance(prefix, str):
            prefix = prefix.encode()
        line = self.read_line(timeout)
        check(line.startswith(prefix),
              "reply %r does not start with %r" % (line, prefix))
        return line

    def expect_eof(self, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while self._fill(deadline):
            pass
        check_eq(bytes(self.buf), b"", "bytes before the server closed")

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self._send_all(data)

    def cmd(self, line, timeout=None):
        if isinstance(line, str):
            line = line.encode()
        self.send(line + b"\r\n")
        return self.read_line(timeout)

    def login(self, user, password):
        check_eq(self.cmd("USER " + user)[:3], b"+OK", "USER reply")
        reply = self.cmd("PASS " + password)
        check(reply.startswith(b"+OK"), "PASS refused: %r" % reply)
        return reply

    def read_greeting(self):
        self.greeting = self.read_line()
        return self.greeting


class Pop3Pipe(_Conn):
    def __init__(self, conf, args=("-i",), env=None, read_greeting=True,
                 pop3d=None):
        super().__init__()
        self.errpath = tempfile.mktemp(prefix="pop3d-stderr-")
        errf = open(self.errpath, "wb")
        argv = [pop3d or POP3D] + list(args) + ["-c", conf]
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=errf,
                                     env=env, start_new_session=True)
        errf.close()
        _cleanups.append(self.kill)
        _cleanups.insert(0, lambda: os.path.exists(self.errpath)
                         and os.unlink(self.errpath))
        if read_greeting:
            self.read_greeting()

    def _recv_some(self, timeout):
        fd = self.proc.stdout.fileno()
        r, _, _ = select.select([fd], [], [], timeout)
        if not r:
            return None
        return os.read(fd, 65536)

    def _send_all(self, data):
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise TestFailure("server closed its input; have %r"
                              % bytes(self.buf[:400]))

    def close_input(self):
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass

    def close(self):
        self.close_input()

    def wait(self, timeout=DEFAULT_TIMEOUT):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise TestFailure("pop3d did not exit in %gs" % timeout)

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def stderr(self):
        with open(self.errpath, "rb") as f:
            return f.read().decode(errors="replace")


class Pop3Socket(_Conn):
    def __init__(self, host, port, read_greeting=True, source=None):
        super().__init__()
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(fam, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        if source is not None:
            self.sock.bind((source, 0))
        self.sock.connect((host, port))
        _cleanups.append(self.close)
        if read_greeting:
            self.read_greeting()

    def _recv_some(self, timeout):
        r, _, _ = select.select([self.sock], [], [], timeout)
        if not r:
            return None
        try:
            return self.sock.recv(65536)
        except ConnectionResetError:
            return b""

    def _send_all(self, data):
        self.sock.sendall(data)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def unit_settings(text):
    """The KEY=VALUE lines of a systemd unit, each key with its values
    in order (a key may repeat); comments and section headers skipped."""
    out = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            k, v = line.split("=", 1)
            out.setdefault(k.strip(), []).append(v.strip())
    return out


def run_pop3d_t(conf):
    """pop3d -t -c conf: the CompletedProcess (bytes stdout, stderr)."""
    return subprocess.run([POP3D, "-t", "-c", conf], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=DEFAULT_TIMEOUT)


def free_port(addr="127.0.0.1"):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    with socket.socket(fam, socket.SOCK_STREAM) as s:
        s.bind((addr, 0))
        return s.getsockname()[1]


def _listening_ports():
    ports = set()
    for fn in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(fn) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if fields[3] == "0A":       # TCP_LISTEN
                        ports.add(int(fields[1].rsplit(":", 1)[1], 16))
        except OSError:
            pass
    return ports


class Pop3Daemon:
    def __init__(self, setup_or_conf, args=(), addr="127.0.0.1", pop3d=None):
        self.setup = setup_or_conf if isinstance(setup_or_conf, Setup) else None
        self.conf = self.setup.conf if self.setup else setup_or_conf
        self.args = list(args)
        self.addr = addr
        self.port = None
        self.proc = None
        self.pop3d = pop3d or POP3D
        self.errpath = tempfile.mktemp(prefix="pop3d-daemon-stderr-")

    def start(self, timeout=DEFAULT_TIMEOUT):
        self.port = free_port(self.addr)
        if self.setup:
            self.setup.rewrite(pop3_listen_addr=self.addr,
                               pop3_listen_port=str(self.port))
        else:
            with open(self.conf, "a") as f:
                f.write("pop3_listen_addr = %s\npop3_listen_port = %d\n"
                        % (self.addr, self.port))
        args = self.args if any(a.startswith("-d") or a.startswith("--daemon")
                                for a in self.args) else ["-d"] + self.args
        argv = [self.pop3d] + args + ["--foreground", "-c", self.conf]
        errf = open(self.errpath, "wb")
        # its own process group, so that cleanup also reaches processes
        # behind a wrapper such as strace
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=errf, stderr=errf,
                                     start_new_session=True)
        errf.close()
        _cleanups.append(self._kill)
        _cleanups.insert(0, lambda: os.path.exists(self.errpath)
                         and os.unlink(self.errpath))
        deadline = time.monotonic() + timeout
        while self.port not in _listening_ports():
            if self.proc.poll() is not None:
                raise TestFailure("pop3d -d exited with %d: %s"
                                  % (self.proc.returncode, self.stderr()))
            if time.monotonic() > deadline:
                raise TestFailure("pop3d -d never listened on port %d"
                                  % self.port)
            time.sleep(0.02)
        return self

    def connect(self, read_greeting=True, source=None):
        return Pop3Socket(self.addr, self.port, read_greeting=read_greeting,
                          source=source)

    def stop(self, sig=signal.SIGTERM, timeout=DEFAULT_TIMEOUT):
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self._kill()
            raise TestFailure("pop3d -d did not stop within %gs" % timeout)

    def _kill(self):
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def stderr(self):
        try:
            with open(self.errpath, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False


def apop_digest(greeting, secret):
    """MD5 hex of the greeting's <timestamp> followed by the secret."""
    if isinstance(greeting, bytes):
        greeting = greeting.decode()
    start = greeting.index("<")
    end = greeting.index(">", start)
    return hashlib.md5((greeting[start:end + 1] + secret).encode()).hexdigest()
