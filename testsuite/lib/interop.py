"""interop -- fixtures for the real-client tests in testsuite/interop/.

The tests start `pop3d -d --foreground` on a free loopback port with one
virtual (popauth) user per mailbox format, let a real POP3 client (Python's
poplib, curl, fetchmail, mpop) fetch the mail, and compare what the client
got with the fixture byte for byte.

What "byte for byte" means: on the wire every line ends in CRLF and a
message that lacks a final line end gets one (RFC 1939 section 3).  A client
that stores mail the Unix way turns CRLF back into LF.  So what a client
must hand over is `canonical(msg)`: the stored message with LF line ends
and a final LF.  Clients that keep the CRLF must hand over `crlf(msg)`.

API
    MESSAGES                     the fixture: list of bytes, each message
                                 holding something clients and servers
                                 get wrong (see the comments below)
    NEW_MESSAGE                  one more message, for "only new mail" runs
    without_lines_over(msgs, n)  the fixture with lines longer than n
                                 octets cut into pieces (for clients that
                                 cannot take longer lines)
    canonical(msg), crlf(msg)    as explained above
    top_canonical(msg, n)        canonical form of what TOP msg n returns
    Server(tmp, messages=MESSAGES, apop=True, extra=None)
        context manager: a popauth database with one user per format
        (users "u-mbox", "u-maildir", "u-mh", password "pw-" + format,
        added with --apop when apop is true), each one's mailbox filled
        with `messages`, and pop3d -d --foreground listening on
        127.0.0.1:.port.  .account(fmt) -> (user, password);
        .stored(fmt) -> the messages now in that mailbox, canonical;
        .deliver(fmt, msg) appends a message the way an MDA does;
        .stop() checks that SIGTERM ends pop3d with status 0.  When the
        block raises, pop3d's log is printed and the server killed.
    require_program(name)        fail when a client is not installed
                                 (scripts/install-deps.sh installs them all)
    run_client(argv, timeout=60, env=None, cwd=None, ok=(0,))
        run a client program; a client that hangs past `timeout` seconds
        or exits with a status not in `ok` fails the test (with its
        output shown).  Returns the CompletedProcess.
    write_mda(tmp) -> (argv string, outdir)
        an MDA for fetchmail and mpop: each message on its stdin goes to
        outdir/NNNN in delivery order; delivered(outdir) -> list of bytes;
        clear_dir(outdir) empties it between runs.
    write_private(path, text)    a mode 0600 file (fetchmail and mpop
                                 refuse config files others can read)
    check_messages(got, want, what)
        compare lists of messages, naming the first differing message and
        byte offset instead of dumping megabytes.
"""

import os
import shutil
import stat
import subprocess
import sys

from pop3test import (FORMATS, POP3D, Pop3Daemon, TestFailure,
                      add_popauth_user, check_eq, mailbox_messages,
                      make_mailbox, write_config)

# ---------------------------------------------------------------- fixture

_LONG_1001 = b"L" * 1001                     # just over RFC 5322's 998
_LONG_9000 = bytes(b"0123456789abcdef"[i % 16] for i in range(9000))
_LONG_70000 = b"x" * 69999 + b"!"            # longer than any sane buffer

MESSAGES = [
    # An ordinary message, so a failure on the odd ones stands out.
    b"Return-Path: <alice@example.org>\n"
    b"Received: from mx.example.org (mx.example.org [192.0.2.10])\n"
    b"\tby mail.example.net with ESMTP id 4F3A2; Mon, 1 Jan 2024 10:00:01 +0000\n"
    b"From: Alice Martin <alice@example.org>\n"
    b"To: Bob <bob@example.net>\n"
    b"Subject: plain message\n"
    b"Date: Mon, 1 Jan 2024 10:00:00 +0000\n"
    b"Message-ID: <plain-1@example.org>\n"
    b"\n"
    b"Hello Bob,\n"
    b"\n"
    b"an ordinary message.\n"
    b"-- \n"
    b"Alice\n",

    # Lines starting with '.' must be dot-stuffed on the wire and unstuffed
    # by the client (RFC 1939 section 3); a lone "." line would otherwise
    # end the message early, and the last line is one.
    b"From: dots@example.org\n"
    b"To: bob@example.net\n"
    b"Subject: lines that start with a dot\n"
    b"Message-ID: <dots-2@example.org>\n"
    b"\n"
    b".\n"
    b"..\n"
    b".leading dot\n"
    b"...three dots\n"
    b". dot space\n"
    b"\n"
    b".\n",

    # "From " at the start of body lines: an mbox stores them quoted
    # (mboxrd: one more '>'), pop3d must send them unquoted and must not
    # split the message there.
    b"From: carol@example.org\n"
    b"To: bob@example.net\n"
    b"Subject: From lines inside the body\n"
    b"Message-ID: <from-3@example.org>\n"
    b"\n"
    b"Some text.\n"
    b"\n"
    b"From here on an mbox reader must not start a new message.\n"
    b">From this line, quoted once\n"
    b">>From this line, quoted twice\n"
    b"From: not a header either\n"
    b"Fromage is just cheese.\n"
    b"\n"
    b"From the last paragraph\n",

    # 8-bit content: UTF-8 in a raw header and the body, and bytes that
    # are not UTF-8 at all (Latin-1).  POP3 is 8-bit clean.
    "From: Jos\u00e9 N\u00fa\u00f1ez <jose@example.org>\n"
    "To: bob@example.net\n"
    "Subject: caf\u00e9 \u2615 \u65e5\u672c\u8a9e\n"
    "Message-ID: <utf8-4@example.org>\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "\n"
    "Gr\u00fc\u00dfe aus K\u00f6ln, \u0437\u0434\u0440\u0430\u0432\u0441"
    "\u0442\u0432\u0443\u0439\u0442\u0435, \U0001f600\n".encode("utf-8")
    + b"latin-1 bytes: caf\xe9 \xff\xfe\n",

    # Long lines: RFC 5322 allows 998 octets but real mail has more; they
    # must pass through bounded buffers in pieces and come out whole.
    b"From: long@example.org\n"
    b"To: bob@example.net\n"
    b"Subject: long lines\n"
    b"X-Long-Header: " + b"h" * 1200 + b"\n"
    b"Message-ID: <long-5@example.org>\n"
    b"\n"
    + _LONG_1001 + b"\n"
    + _LONG_9000 + b"\n"
    + b"." + _LONG_9000 + b"\n"        # long and dot-stuffed
    + _LONG_70000 + b"\n"
    b"short line after them\n",

    # No line end after the last line: the server adds CRLF, and the last
    # line starts with a dot, so it is stuffed too.
    b"From: nonl@example.org\n"
    b"To: bob@example.net\n"
    b"Subject: no newline at the end\n"
    b"Message-ID: <nonl-6@example.org>\n"
    b"\n"
    b"first line\n"
    b".last line, without a newline",

    # Headers only: an empty body after the separating blank line.
    b"From: empty@example.org\n"
    b"To: bob@example.net\n"
    b"Subject: empty body\n"
    b"Message-ID: <empty-7@example.org>\n"
    b"\n",

    # Stored with CRLF line ends (some delivery agents do that): the wire
    # must not get CR CR LF.
    b"From: crlf@example.org\r\n"
    b"To: bob@example.net\r\n"
    b"Subject: stored with CRLF line ends\r\n"
    b"Message-ID: <crlf-8@example.org>\r\n"
    b"\r\n"
    b"line one\r\n"
    b".line two\r\n",

    # A bigger message (about 600 KB of base64-like lines) so a transfer
    # spans many reads and writes.
    b"From: big@example.org\n"
    b"To: bob@example.net\n"
    b"Subject: a bigger attachment\n"
    b"Message-ID: <big-9@example.org>\n"
    b"MIME-Version: 1.0\n"
    b"Content-Type: application/octet-stream\n"
    b"Content-Transfer-Encoding: base64\n"
    b"\n"
    + b"".join(bytes((65 + (i * 7 + j) % 26) for j in range(76)) + b"\n"
               for i in range(8000)),
]


NEW_MESSAGE = (b"From: late@example.org\n"
               b"To: bob@example.net\n"
               b"Subject: delivered between two client runs\n"
               b"Message-ID: <new-10@example.org>\n"
               b"\n"
               b"From now on, only this one is new.\n"
               b".\n")


def without_lines_over(msgs, limit):
    out = []
    for msg in msgs:
        lines = []
        for line in msg.split(b"\n"):
            while len(line) > limit:
                lines.append(line[:limit])
                line = line[limit:]
            lines.append(line)
        out.append(b"\n".join(lines))
    return out


def _unix_lines(msg):
    """The message's lines without their line ends (CRLF or LF)."""
    if not msg:
        return []
    body = msg[:-1] if msg.endswith(b"\n") else msg
    return [line[:-1] if line.endswith(b"\r") else line
            for line in body.split(b"\n")]


def canonical(msg):
    return b"".join(line + b"\n" for line in _unix_lines(msg))


def crlf(msg):
    return b"".join(line + b"\r\n" for line in _unix_lines(msg))


def top_canonical(msg, n):
    out = []
    lines = _unix_lines(msg)
    i = 0
    while i < len(lines):            # the header, up to the blank line
        out.append(lines[i])
        i += 1
        if out[-1] == b"":
            break
    out += lines[i:i + n]
    return b"".join(line + b"\n" for line in out)


# ---------------------------------------------------------------- checking

def check_messages(got, want, what):
    if len(got) != len(want):
        raise TestFailure("%s: got %d messages, want %d"
                          % (what, len(got), len(want)))
    for i, (g, w) in enumerate(zip(got, want)):
        if g == w:
            continue
        at = next((k for k in range(min(len(g), len(w))) if g[k] != w[k]),
                  min(len(g), len(w)))
        raise TestFailure(
            "%s: message %d differs at byte %d (got %d bytes, want %d)\n"
            "  got:  %r\n  want: %r"
            % (what, i + 1, at, len(g), len(w),
               g[max(0, at - 40):at + 40], w[max(0, at - 40):at + 40]))


def require_program(name):
    if shutil.which(name) is None:
        # scripts/install-deps.sh installs every client: a missing one is
        # a broken test machine, and a skip would hide an untested path
        print("FAIL: %s is not installed (scripts/install-deps.sh installs it)"
              % name)
        sys.exit(1)


def run_client(argv, timeout=60, env=None, cwd=None, ok=(0,), input=None):
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env, cwd=cwd,
                           timeout=timeout, input=input,
                           stdin=None if input is not None
                           else subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        raise TestFailure("%s hung for %ds\nstdout: %r\nstderr: %r"
                          % (argv[0], timeout, (e.stdout or b"")[-2000:],
                             (e.stderr or b"")[-2000:]))
    if r.returncode not in ok:
        raise TestFailure("%s exited %d (want %s)\nstdout: %s\nstderr: %s"
                          % (" ".join(argv), r.returncode, ok,
                             r.stdout[-3000:].decode(errors="replace"),
                             r.stderr[-3000:].decode(errors="replace")))
    return r


_MDA = r'''import os, sys
outdir = sys.argv[1]
n = len(os.listdir(outdir)) + 1
data = sys.stdin.buffer.read()
tmp = os.path.join(outdir, ".tmp")
with open(tmp, "wb") as f:
    f.write(data)
os.rename(tmp, os.path.join(outdir, "%04d" % n))
'''


def write_mda(tmp, name="mda"):
    """An MDA command line for fetchmail/mpop and the directory it fills."""
    script = tmp.join(name + ".py")
    outdir = tmp.join(name + "-out")
    os.makedirs(outdir, exist_ok=True)
    with open(script, "w") as f:
        f.write(_MDA)
    return "%s %s %s" % (sys.executable, script, outdir), outdir


def delivered(outdir):
    out = []
    for name in sorted(n for n in os.listdir(outdir) if n[0] != "."):
        with open(os.path.join(outdir, name), "rb") as f:
            out.append(f.read())
    return out


def clear_dir(outdir):
    for name in os.listdir(outdir):
        os.unlink(os.path.join(outdir, name))


def write_private(path, text):
    """fetchmail and mpop refuse config files others can read."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    return path


# ---------------------------------------------------------------- server

class Server:
    def __init__(self, tmp, messages=MESSAGES, apop=True, extra=None):
        self.tmp = tmp
        self.messages = list(messages)
        self.db = tmp.join("popauth.db")
        self.conf = tmp.join("pop3d.conf")
        self.log = tmp.join("pop3d.log")
        self.paths = {}
        for fmt in FORMATS:
            path = tmp.join("mail", fmt)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            url = make_mailbox(fmt, path, self.messages)
            self.paths[fmt] = path
            user, password = self.account(fmt)
            add_popauth_user(self.db, user, password, apop=apop, mailbox=url)
        settings = {
            "host_id": "interop.test",
            "auth": "popauth",
            "popauth_db": self.db,
            # every user has its own mailbox in popauth_db; the template
            # is for nobody
            "mailbox": "mbox:%s/%%u" % tmp.join("nobody"),
            "lock_timeout": "5s",
            "pop3_log_file": self.log,
            "pop3_log_level": "6",
            "stat_file": tmp.join("stat.db"),
        }
        if extra:
            settings.update(extra)
        write_config(self.conf, settings)
        self.daemon = Pop3Daemon(self.conf)

    @staticmethod
    def account(fmt):
        return "u-" + fmt, "pw-" + fmt

    @property
    def port(self):
        return self.daemon.port

    def stored(self, fmt):
        return [canonical(m) for m in mailbox_messages(fmt, self.paths[fmt])]

    def deliver(self, fmt, msg):
        """Add msg at the end of a mailbox, as a delivery agent would."""
        path = self.paths[fmt]
        if fmt == "mbox":
            with open(path, "ab+") as f:
                f.seek(0, os.SEEK_END)
                if f.tell() > 0:
                    f.seek(-1, os.SEEK_END)
                    if f.read(1) != b"\n":
                        f.write(b"\n")
                f.write(b"From newmail@example.org Tue Jan  2 00:00:00 2024\n")
                for line in msg.splitlines(keepends=True):
                    if line.lstrip(b">").startswith(b"From "):
                        line = b">" + line
                    f.write(line)
                f.write(b"\n" if msg.endswith(b"\n") else b"\n\n")
        elif fmt == "maildir":
            name = "1800000000.M1P%d.interop" % os.getpid()
            with open(os.path.join(path, "tmp", name), "wb") as f:
                f.write(msg)
            os.rename(os.path.join(path, "tmp", name),
                      os.path.join(path, "new", name))
        else:
            numbers = [int(n) for n in os.listdir(path) if n.isdigit()]
            with open(os.path.join(path, str(max(numbers, default=0) + 1)),
                      "xb") as f:
                f.write(msg)

    def dump_log(self):
        print("---- pop3d stderr ----")
        print(self.daemon.stderr())
        print("---- pop3d log ----")
        try:
            with open(self.log, "rb") as f:
                print(f.read()[-6000:].decode(errors="replace"))
        except OSError as e:
            print(e)
        sys.stdout.flush()

    def stop(self):
        status = self.daemon.stop()
        check_eq(status, 0, "pop3d exit status after SIGTERM")

    def __enter__(self):
        self.daemon.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.dump_log()
            self.daemon._kill()
        else:
            self.stop()
        return False


__all__ = ["MESSAGES", "NEW_MESSAGE", "FORMATS", "POP3D", "Server",
           "canonical", "crlf", "top_canonical", "without_lines_over",
           "check_messages", "require_program", "run_client", "write_mda",
           "delivered", "clear_dir", "write_private"]
