"""tlstest -- certificates and TLS clients for the tests of testsuite/tls.

API
---
Pki(tmp)
    Generates, with certtool, into tmp.join("pki"): a CA (.ca), and two
    server certificates signed by it:
      .cert/.key             CN pop3.test; SAN pop3.test, localhost,
                             127.0.0.1 (the default certificate)
      .other_cert/.other_key CN other.test; SAN other.test (chosen by SNI)
      .enc_key, .enc_password  .key as encrypted PKCS #8
      .combined              .cert and .key in one file
    ECDSA P-256 keys: a whole Pki takes a fraction of a second.
    .make_server(cn, dns, ips=(), key_type="ecdsa") -> (cert, key)
                           one more server certificate from the CA

tls_settings(pki, **extra) -> dict
    pop3_support_tls = yes with the pop3.test pair, plus extra (names are
    directive names; a None value omits the directive).

client_context(pki, maximum=None, minimum=None) -> ssl.SSLContext
    Python's ssl client trusting the test CA, verifying names; maximum /
    minimum: ssl.TLSVersion bounds.

TlsSocket(host, port, ctx=None, server_hostname=None, implicit=True,
          read_greeting=True, session=None)
    A Pop3Socket (pop3test.py) that speaks TLS from the start (implicit)
    or after .stls(ctx, server_hostname, session).  .sock is the
    ssl.SSLSocket once TLS runs; .tls_version(), .peer_cn(),
    .session_reused(), .session.  TlsSocket.over(sock): the same over a
    connected socket of any family (plain until .start_tls()).

start_tls_daemon(setup, args=()) -> Pop3Daemon
    pop3d -d on a free plain port and a free pop3_listen_tls_port; the
    daemon object gets .tls_port.
wait_listening(daemon, port)     wait until pop3d -d listens on port
interop_server(tmp, pki, messages=None, **extra) -> interop.Server
    the interop fixture (one user per mailbox format) with TLS on and
    a TLS port (.tls_port)

cert_cn(pem_bytes_or_der) -> str    the subject CN of a certificate
run_pop3d_t(conf) -> CompletedProcess   `pop3d -t -c conf`
read_log(path) -> str                   the log so far ("" if none)
wait_log(path, text, count=1) -> str    wait until text is in the log
                                        count times; the log
"""

import os
import socket
import ssl
import subprocess
import time

import pop3test
# run_pop3d_t: the TLS tests take it from here
from pop3test import (DEFAULT_TIMEOUT, Pop3Daemon, Pop3Socket,  # noqa: F401
                      TestFailure, check, free_port, run_pop3d_t)

_CA_TEMPLATE = """cn = "pop3d test CA"
ca
cert_signing_key
expiration_days = 3
"""

_SERVER_TEMPLATE = """cn = "%(cn)s"
%(names)s
tls_www_server
signing_key
encryption_key
expiration_days = 3
"""


def _certtool(args, cwd):
    r = subprocess.run(["certtool"] + args, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=DEFAULT_TIMEOUT)
    if r.returncode != 0:
        raise TestFailure("certtool %s failed: %s"
                          % (" ".join(args), r.stderr.decode(errors="replace")))


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


class Pki:
    def __init__(self, tmp):
        d = tmp.join("pki")
        os.makedirs(d, exist_ok=True)
        self.dir = d
        j = lambda name: os.path.join(d, name)
        self.ca = j("ca.pem")
        self.ca_key = j("ca-key.pem")
        _write(j("ca.tmpl"), _CA_TEMPLATE)
        _certtool(["--generate-privkey", "--key-type=ecdsa",
                   "--outfile", self.ca_key], d)
        _certtool(["--generate-self-signed", "--load-privkey", self.ca_key,
                   "--template", j("ca.tmpl"), "--outfile", self.ca], d)
        self.cert, self.key = self.make_server("pop3.test",
                                               ["pop3.test", "localhost"],
                                               ["127.0.0.1"])
        self.other_cert, self.other_key = self.make_server("other.test",
                                                           ["other.test"])
        self.enc_password = "pa#ss word"
        self.enc_key = j("pop3.test-enc-key.pem")
        _certtool(["--to-p8", "--load-privkey", self.key, "--password",
                   self.enc_password, "--outfile", self.enc_key], d)
        self.combined = j("pop3.test-combined.pem")
        with open(self.combined, "wb") as out:
            for fn in (self.cert, self.key):
                with open(fn, "rb") as f:
                    out.write(f.read())

    def make_server(self, cn, dns, ips=(), key_type="ecdsa"):
        """Another server certificate signed by the CA: (cert, key)."""
        d = self.dir
        names = "\n".join(['dns_name = "%s"' % n for n in dns] +
                          ['ip_address = "%s"' % a for a in ips])
        tmpl = _write(os.path.join(d, cn + ".tmpl"),
                      _SERVER_TEMPLATE % {"cn": cn, "names": names})
        key = os.path.join(d, cn + "-key.pem")
        cert = os.path.join(d, cn + ".pem")
        _certtool(["--generate-privkey", "--key-type=" + key_type,
                   "--outfile", key], d)
        _certtool(["--generate-certificate", "--load-privkey", key,
                   "--load-ca-certificate", self.ca,
                   "--load-ca-privkey", self.ca_key,
                   "--template", tmpl, "--outfile", cert], d)
        return cert, key


def tls_settings(pki, **extra):
    settings = {
        "pop3_support_tls": "yes",
        "pop3_certificate_path": pki.cert,
        "pop3_private_key_path": pki.key,
    }
    settings.update(extra)
    return settings


def client_context(pki, maximum=None, minimum=None):
    ctx = ssl.create_default_context(cafile=pki.ca)
    if maximum is not None:
        ctx.maximum_version = maximum
    if minimum is not None:
        ctx.minimum_version = minimum
    return ctx


def cert_cn(cert):
    """The subject CN of a certificate given as DER (what getpeercert(True)
    returns) or PEM, through certtool."""
    if not cert.startswith(b"-----"):
        cert = ssl.DER_cert_to_PEM_cert(cert).encode()
    r = subprocess.run(["certtool", "--certificate-info"], input=cert,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=DEFAULT_TIMEOUT)
    for line in r.stdout.decode(errors="replace").splitlines():
        line = line.strip()
        if line.startswith("Subject:"):
            for part in line[len("Subject:"):].split(","):
                part = part.strip()
                if part.startswith("CN="):
                    return part[3:]
    raise TestFailure("no CN in certificate: %r" % r.stdout[:400])


class TlsSocket(Pop3Socket):
    def __init__(self, host, port, ctx=None, server_hostname=None,
                 implicit=True, read_greeting=True, session=None):
        super().__init__(host, port, read_greeting=False)
        if implicit:
            self.start_tls(ctx, server_hostname, session)
        if read_greeting:
            self.read_greeting()

    def start_tls(self, ctx, server_hostname=None, session=None):
        check(not self.buf, "bytes from the server before TLS: %r"
              % bytes(self.buf))
        self.sock.settimeout(self.timeout)
        self.sock = ctx.wrap_socket(self.sock, server_hostname=server_hostname,
                                    session=session)

    def stls(self, ctx, server_hostname=None, session=None):
        reply = self.cmd("STLS")
        check(reply.startswith(b"+OK"), "STLS refused: %r" % reply)
        self.start_tls(ctx, server_hostname, session)
        return reply

    # Python's SSL socket may hold decrypted bytes select() cannot see:
    # let recv() wait with a timeout instead.
    def _recv_some(self, timeout):
        self.sock.settimeout(max(timeout, 0.001))
        try:
            return self.sock.recv(65536)
        except (socket.timeout, TimeoutError):
            return None
        except (ConnectionResetError, ssl.SSLEOFError, ssl.SSLZeroReturnError):
            return b""
        finally:
            self.sock.settimeout(self.timeout)

    @classmethod
    def over(cls, sock):
        """A connection over an already connected socket (a socketpair
        end, say), plain until start_tls()."""
        self = cls.__new__(cls)
        pop3test._Conn.__init__(self)
        self.sock = sock
        sock.settimeout(self.timeout)
        pop3test._cleanups.append(self.close)
        return self

    @property
    def session(self):
        return self.sock.session

    def session_reused(self):
        return self.sock.session_reused

    def tls_version(self):
        return self.sock.version()

    def peer_cn(self):
        return cert_cn(self.sock.getpeercert(binary_form=True))


def start_tls_daemon(setup, args=()):
    """pop3d -d with a plain and an implicit-TLS listener on free ports."""
    tls_port = free_port()
    setup.rewrite(pop3_listen_tls_port=str(tls_port))
    d = Pop3Daemon(setup, args=list(args))
    d.start()
    d.tls_port = tls_port
    wait_listening(d, tls_port)
    return d


def wait_listening(daemon, port, timeout=DEFAULT_TIMEOUT):
    deadline = time.monotonic() + timeout
    while port not in pop3test._listening_ports():
        if daemon.proc.poll() is not None:
            raise TestFailure("pop3d -d exited with %d: %s"
                              % (daemon.proc.returncode, daemon.stderr()))
        if time.monotonic() > deadline:
            raise TestFailure("pop3d -d never listened on port %d" % port)
        time.sleep(0.02)


def interop_server(tmp, pki, messages=None, **extra):
    """testsuite/lib/interop.py's Server (a user per mailbox format) with
    TLS on: STLS on .port, implicit TLS on .tls_port (listening once the
    `with` block is entered and wait_listening(srv.daemon, srv.tls_port)
    returned)."""
    import interop
    tls_port = free_port()
    settings = tls_settings(pki, pop3_listen_tls_port=str(tls_port), **extra)
    srv = interop.Server(tmp, messages=messages or interop.MESSAGES,
                         extra=settings)
    srv.tls_port = tls_port
    return srv


def read_log(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def wait_log(path, text, count=1, timeout=DEFAULT_TIMEOUT):
    """Wait until text appears count times in the log file; its content."""
    deadline = time.monotonic() + timeout
    while True:
        log = read_log(path)
        if log.count(text) >= count:
            return log
        if time.monotonic() > deadline:
            raise TestFailure("%r never appeared %d times in the log:\n%s"
                              % (text, count, log[-3000:]))
        time.sleep(0.05)
