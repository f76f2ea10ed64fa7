"""authtest -- helpers for the authentication tests (testsuite/auth/).

Independent client sides of the SASL mechanisms (RFC 4616 PLAIN, LOGIN,
RFC 2195 CRAM-MD5, RFC 5802/7677 SCRAM with hashlib and hmac), a PAM
test environment through pam_wrapper's pam_matrix, and a look at the
processes of a session through /proc.

SASL over a pop3test connection (Pop3Pipe, Pop3Socket)
    b64(data) -> str, unb64(text) -> bytes
    auth_plain(conn, authcid, password, authzid="", initial=True) -> reply
    auth_login(conn, user, password) -> reply
    auth_cram_md5(conn, user, secret) -> reply
    Scram(mech, user, password, authzid="", cb_type=None, cb_data=None)
        .first() -> bytes   client-first-message
        .final(server_first) -> bytes   client-final-message
        .verify(server_final) -> bool   the server's signature checks
        .salt, .iterations  from the server-first-message
    auth_scram(conn, mech, user, password, authzid="", initial=True,
               cb_type=None, cb_data=None) -> (reply, scram)
    stored_scram_keys(mech, password, salt, iterations) -> (stored, server)

PAM (pam_wrapper + pam_matrix; no system account is touched)
    PamEnv(tmp, users, service="pop3test", session_log=None)
        users: [(name, password)]; .env for the pop3d process;
        .session_log: a file pam_exec appends "TYPE USER RHOST" to for
        the auth, open_session and close_session steps.

Processes
    children(pid) -> [pid]            from /proc/PID/task/*/children
    proc_ids(pid) -> (uid, gid, groups)  real uid/gid, supplementary groups
    wait_for(cond, timeout=10, what="")  poll cond() until true
"""

import base64
import hashlib
import hmac
import os
import secrets
import time

from pop3test import TestFailure, check, check_eq


def b64(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.b64encode(data).decode()


def unb64(text):
    if isinstance(text, bytes):
        text = text.decode()
    return base64.b64decode(text, validate=True)


def _challenge(reply):
    """The base64 of a "+ ..." continuation line, or fail."""
    check(reply.startswith(b"+ ") or reply == b"+\r\n",
          "expected a continuation, got %r" % reply)
    return reply[2:].rstrip(b"\r\n")


# ---------------------------------------------------------------- PLAIN, LOGIN

def auth_plain(conn, authcid, password, authzid="", initial=True):
    msg = b64("%s\0%s\0%s" % (authzid, authcid, password))
    if initial:
        return conn.cmd("AUTH PLAIN " + msg)
    _challenge(conn.cmd("AUTH PLAIN"))
    return conn.cmd(msg)


def auth_login(conn, user, password):
    check_eq(unb64(_challenge(conn.cmd("AUTH LOGIN"))), b"User Name",
             "LOGIN asks for the user name")
    check_eq(unb64(_challenge(conn.cmd(b64(user)))), b"Password",
             "LOGIN asks for the password")
    return conn.cmd(b64(password))


# ---------------------------------------------------------------- CRAM-MD5

def auth_cram_md5(conn, user, secret):
    chal = unb64(_challenge(conn.cmd("AUTH CRAM-MD5")))
    digest = hmac.new(secret.encode(), chal, hashlib.md5).hexdigest()
    return conn.cmd(b64("%s %s" % (user, digest)))


# ---------------------------------------------------------------- SCRAM

def _hash_of(mech):
    return "sha256" if mech.startswith("SCRAM-SHA-256") else "sha1"


def _saslname(name):
    return name.replace("=", "=3D").replace(",", "=2C")


def stored_scram_keys(mech, password, salt, iterations):
    h = _hash_of(mech)
    salted = hashlib.pbkdf2_hmac(h, password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", h).digest()
    server_key = hmac.new(salted, b"Server Key", h).digest()
    return hashlib.new(h, client_key).digest(), server_key


class Scram:
    def __init__(self, mech, user, password, authzid="", cb_type=None,
                 cb_data=None):
        self.h = _hash_of(mech)
        self.user = user
        self.password = password
        self.plus = mech.endswith("-PLUS")
        if self.plus:
            self.gs2 = "p=%s,%s," % (cb_type, _saslname(authzid) and
                                     "a=" + _saslname(authzid) or "")
        elif cb_type is not None:
            # could bind, but the server did not offer -PLUS
            self.gs2 = "y,%s," % (authzid and "a=" + _saslname(authzid) or "")
        else:
            self.gs2 = "n,%s," % (authzid and "a=" + _saslname(authzid) or "")
        self.cb_data = cb_data if self.plus else b""
        self.nonce = secrets.token_urlsafe(18)
        self.bare = "n=%s,r=%s" % (_saslname(user), self.nonce)

    def first(self):
        return (self.gs2 + self.bare).encode()

    def final(self, server_first):
        if isinstance(server_first, bytes):
            server_first = server_first.decode()
        attrs = dict(a.split("=", 1) for a in server_first.split(","))
        check(attrs["r"].startswith(self.nonce), "server nonce extends ours")
        self.salt = base64.b64decode(attrs["s"])
        self.iterations = int(attrs["i"])
        cbind = base64.b64encode(self.gs2.encode() + self.cb_data).decode()
        without_proof = "c=%s,r=%s" % (cbind, attrs["r"])
        auth_message = ",".join((self.bare, server_first, without_proof))
        salted = hashlib.pbkdf2_hmac(self.h, self.password.encode(),
                                     self.salt, self.iterations)
        client_key = hmac.new(salted, b"Client Key", self.h).digest()
        stored_key = hashlib.new(self.h, client_key).digest()
        signature = hmac.new(stored_key, auth_message.encode(),
                             self.h).digest()
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        server_key = hmac.new(salted, b"Server Key", self.h).digest()
        self.expected = hmac.new(server_key, auth_message.encode(),
                                 self.h).digest()
        return (without_proof + ",p=" + base64.b64encode(proof).decode()
                ).encode()

    def verify(self, server_final):
        if isinstance(server_final, bytes):
            server_final = server_final.decode()
        check(server_final.startswith("v="), "server-final %r" % server_final)
        return hmac.compare_digest(base64.b64decode(server_final[2:]),
                                   self.expected)


def auth_scram(conn, mech, user, password, authzid="", initial=True,
               cb_type=None, cb_data=None):
    """The whole exchange; returns the final reply line and the Scram."""
    sc = Scram(mech, user, password, authzid, cb_type, cb_data)
    if initial:
        reply = conn.cmd("AUTH %s %s" % (mech, b64(sc.first())))
    else:
        _challenge(conn.cmd("AUTH " + mech))
        reply = conn.cmd(b64(sc.first()))
    if not reply.startswith(b"+"):
        return reply, sc
    reply = conn.cmd(b64(sc.final(unb64(_challenge(reply)))))
    if not reply.startswith(b"+"):
        return reply, sc
    # RFC 5034 section 4: the additional data with success comes as a
    # challenge; an empty response gets the verdict
    check(sc.verify(unb64(_challenge(reply))), "server signature verifies")
    return conn.cmd(""), sc


# ---------------------------------------------------------------- PAM

def _find_wrapper():
    for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
              "/usr/lib64", "/usr/lib"):
        if os.path.exists(os.path.join(d, "libpam_wrapper.so")) and \
           os.path.exists(os.path.join(d, "pam_wrapper", "pam_matrix.so")):
            return d
    raise TestFailure("libpam-wrapper is not installed (Debian package "
                      "libpam-wrapper)")


def _find_module(name):
    for d in ("/lib/x86_64-linux-gnu/security", "/usr/lib/x86_64-linux-gnu/security",
              "/lib/aarch64-linux-gnu/security", "/lib64/security",
              "/lib/security", "/usr/lib/security"):
        p = os.path.join(d, name)
        if os.path.exists(p):
            return p
    raise TestFailure("PAM module %s not found" % name)


class PamEnv:
    def __init__(self, tmp, users, service="pop3test"):
        wrapper = _find_wrapper()
        matrix = os.path.join(wrapper, "pam_wrapper", "pam_matrix.so")
        pam_exec = _find_module("pam_exec.so")
        self.service = service
        self.dir = tmp.join("pam.d")
        os.makedirs(self.dir, exist_ok=True)
        self.passdb = tmp.join("passdb")
        with open(self.passdb, "w") as f:
            for name, password in users:
                f.write("%s:%s:%s\n" % (name, password, service))
        self.session_log = tmp.join("pam-steps")
        script = tmp.join("pam-step.sh")
        with open(script, "w") as f:
            f.write('#!/bin/sh\necho "$PAM_TYPE $PAM_USER $PAM_RHOST" >> %s\n'
                    % self.session_log)
        os.chmod(script, 0o755)
        with open(os.path.join(self.dir, service), "w") as f:
            f.write("auth     required %s passdb=%s\n" % (matrix, self.passdb))
            f.write("auth     optional %s quiet %s\n" % (pam_exec, script))
            f.write("account  required %s passdb=%s\n" % (matrix, self.passdb))
            f.write("session  required %s %s\n" % (pam_exec, script))
        # an unknown service falls back to "other": nobody passes there
        empty = tmp.join("nopassdb")
        open(empty, "w").close()
        with open(os.path.join(self.dir, "other"), "w") as f:
            f.write("auth     required %s passdb=%s\n" % (matrix, empty))
            f.write("account  required %s passdb=%s\n" % (matrix, empty))
        self.env = dict(os.environ)
        self.env.update({
            "LD_PRELOAD": os.path.join(wrapper, "libpam_wrapper.so"),
            "PAM_WRAPPER": "1",
            "PAM_WRAPPER_SERVICE_DIR": self.dir,
        })

    def steps(self):
        try:
            with open(self.session_log) as f:
                return [line.split() for line in f.read().splitlines()]
        except FileNotFoundError:
            return []


# ---------------------------------------------------------------- processes

def children(pid):
    out = []
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                out += [int(p) for p in f.read().split()]
    except OSError:
        pass
    return out


def proc_ids(pid):
    """Real uid, real gid and the supplementary groups of pid."""
    uid = gid = None
    groups = []
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("Uid:"):
                uid = [int(x) for x in line.split()[1:]]
            elif line.startswith("Gid:"):
                gid = [int(x) for x in line.split()[1:]]
            elif line.startswith("Groups:"):
                groups = [int(x) for x in line.split()[1:]]
    return uid, gid, groups


def wait_for(cond, timeout=10, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            raise TestFailure("timed out waiting for " + what)
        time.sleep(0.02)


# ---------------------------------------------------------------- gsasl(1)

class GsaslClient:
    """The gsasl command-line client in its raw mode: it prints its
    responses in base64 after "Output from client:" and reads the server's
    challenges from stdin.  gsasl knows POP3 no better than raw mode, so
    this carries the lines between it and a pop3test connection."""

    PROMPT = b"Enter base64 authentication data from server"

    def __init__(self, mech, user, password, authzid=None, cb_unique=None,
                 cb_exporter=None):
        import shutil
        import subprocess
        check(shutil.which("gsasl") is not None,
              "gsasl is needed (Debian package gsasl)")
        argv = ["gsasl", "--client", "--mechanism", mech,
                "--authentication-id", user, "--password", password,
                "--service", "pop"]
        if cb_unique is None and cb_exporter is None:
            # gsasl 2.2 asks for a channel binding only when it has no
            # --hostname, as it would in front of a server of its own
            argv += ["--hostname", "pop3.test"]
        if authzid:
            argv += ["--authorization-id", authzid]
        self.cb = {b"tls-unique": cb_unique, b"tls-exporter": cb_exporter}
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.buf = b""
        self.out = []

    def _more(self, deadline):
        import select
        left = deadline - time.monotonic()
        if left <= 0:
            raise TestFailure("gsasl said nothing useful: %r" % self.buf)
        r, _, _ = select.select([self.proc.stdout], [], [], left)
        if not r:
            raise TestFailure("gsasl said nothing useful: %r" % self.buf)
        data = os.read(self.proc.stdout.fileno(), 65536)
        if not data:
            raise TestFailure("gsasl ended: %r" % self.buf)
        self.buf += data
        self.out.append(data)

    def next_event(self, timeout=10):
        """("output", b64) or ("prompt", None) or ("done", text)."""
        deadline = time.monotonic() + timeout
        while True:
            for kind in (b"tls-exporter", b"tls-unique"):
                prompt = b"Enter base64 encoded %s channel binding: " % kind
                i = self.buf.find(prompt)
                if i >= 0:
                    self.buf = self.buf[i + len(prompt):]
                    value = self.cb[kind]
                    self.write(b64(value) if value else "")
                    break
            else:
                i = self.buf.find(b"Output from client:\n")
                if i >= 0:
                    j = self.buf.find(b"\n", i + 20)
                    if j >= 0:
                        data = self.buf[i + 20:j].decode()
                        self.buf = self.buf[j + 1:]
                        return "output", data
                i = self.buf.find(self.PROMPT)
                if i >= 0:
                    j = self.buf.find(b"\n", i)
                    if j >= 0:
                        self.buf = self.buf[j + 1:]
                        return "prompt", None
                i = self.buf.find(b"Client authentication finished")
                if i >= 0:
                    return "done", self.buf[i:].decode(errors="replace")
                self._more(deadline)

    def write(self, line):
        if isinstance(line, str):
            line = line.encode()
        self.proc.stdin.write(line + b"\n")
        self.proc.stdin.flush()

    def close(self):
        try:
            self.proc.kill()
        except OSError:
            pass
        self.proc.wait()

    def transcript(self):
        return b"".join(self.out).decode(errors="replace")


def gsasl_login(conn, mech, user, password, authzid=None, cb_unique=None,
                cb_exporter=None):
    """Log in through AUTH with the gsasl client doing the mechanism.
    Returns (final reply line, gsasl's transcript)."""
    g = GsaslClient(mech, user, password, authzid, cb_unique, cb_exporter)
    try:
        started = False
        while True:
            kind, data = g.next_event()
            if kind == "output":
                if not started:
                    # gsasl's first output is empty for CRAM-MD5, which
                    # is server-first: no initial response at all (RFC
                    # 4422 section 5), not an empty one ("=")
                    reply = conn.cmd(("AUTH %s %s" % (mech, data)) if data
                                     else "AUTH " + mech)
                    started = True
                else:
                    reply = conn.cmd(data)
            elif kind == "prompt":
                if not started:
                    # a server-first mechanism (CRAM-MD5)
                    reply = conn.cmd("AUTH " + mech)
                    started = True
                else:
                    # gsasl wants more from the server than it has: the
                    # exchange already ended
                    return reply, g.transcript()
            else:   # done
                if reply.startswith(b"+ "):
                    # it has what it needs: the empty response of RFC 5034
                    reply = conn.cmd("")
                return reply, g.transcript()
            if not reply.startswith(b"+ "):
                if reply.startswith(b"+OK"):
                    # the verdict carries no data: tell gsasl so, and
                    # let it say whether it trusts the server
                    try:
                        kind2, _ = g.next_event(timeout=3)
                        if kind2 == "prompt":
                            g.write("")
                            g.next_event(timeout=3)
                    except TestFailure:
                        pass
                return reply, g.transcript()
            # the challenge for gsasl
            kind2, _ = g.next_event()
            check_eq(kind2, "prompt", "gsasl waits for the server")
            g.write(reply[2:].rstrip(b"\r\n"))
    finally:
        g.close()
