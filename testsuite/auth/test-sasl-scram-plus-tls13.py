"""SCRAM-SHA-256-PLUS and SCRAM-SHA-1-PLUS over TLS 1.3, bound with
tls-exporter (RFC 9266), with two programs that share no code with
pop3d's TLS: OpenSSL's s_client runs the TLS session and prints the
exported keying material (label EXPORTER-Channel-Binding, 32 bytes, no
context: RFC 9266 section 2), and the gsasl client computes SCRAM with
that binding.  The right binding logs in; a binding exported from another
TLS session (what a relaying man in the middle would hold) is refused."""
import re
import select
import subprocess
import time

from pop3test import *
from authtest import *
from interop import require_program
from tlstest import Pki, start_tls_daemon, tls_settings

OK = b"+OK alice has 0 messages (0 octets)\r\n"
FAILED = b"-ERR [AUTH] invalid user name or password\r\n"
KEYMAT = re.compile(rb"Keying material: ([0-9A-Fa-f]+)")


class SClient:
    """A POP3 conversation through openssl s_client over TLS 1.3.  Without
    -quiet s_client prints its session summary (and the keying material)
    on stdout among the server's lines, so only POP3 replies are kept."""

    def __init__(self, pki, port):
        argv = ["openssl", "s_client", "-tls1_3", "-nocommands",
                "-ign_eof", "-CAfile", pki.ca, "-verify_return_error",
                "-servername", "pop3.test", "-verify_hostname", "pop3.test",
                "-keymatexport", "EXPORTER-Channel-Binding",
                "-keymatexportlen", "32", "-connect", "127.0.0.1:%d" % port]
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.buf = b""
        self.seen = b""
        greeting = self.reply()
        check(greeting.startswith(b"+OK "), "greeting %r" % greeting)
        m = KEYMAT.search(self.seen)
        check(m is not None, "s_client printed the keying material:\n%s"
              % self.seen.decode(errors="replace"))
        self.exporter = bytes.fromhex(m.group(1).decode())
        check_eq(len(self.exporter), 32, "tls-exporter length")
        check(b"TLSv1.3" in self.seen, "the session is TLS 1.3")

    def reply(self, timeout=15):
        deadline = time.monotonic() + timeout
        while True:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                line += b"\n"
                if line.startswith((b"+OK", b"-ERR", b"+ ")):
                    return line
            left = deadline - time.monotonic()
            r, _, _ = select.select([self.proc.stdout], [], [],
                                    max(left, 0))
            if not r:
                raise TestFailure("no reply through s_client: %r"
                                  % self.seen[-2000:])
            data = os.read(self.proc.stdout.fileno(), 65536)
            if not data:
                raise TestFailure("s_client ended: %r %r" % (
                    self.seen[-2000:], self.proc.stderr.read()))
            self.buf += data
            self.seen += data

    def cmd(self, line):
        self.proc.stdin.write(line.encode() + b"\r\n")
        self.proc.stdin.flush()
        return self.reply()

    def close(self):
        try:
            self.cmd("QUIT")
        finally:
            self.proc.stdin.close()
            self.proc.wait(timeout=15)


def main():
    tmp = TempDir()
    pki = Pki(tmp)
    st = Setup(tmp, msgs=[], extra=dict(tls_settings(pki),
                                        pop3_auth_times="100"))
    d = start_tls_daemon(st)
    try:
        for mech in ("SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS"):
            c = SClient(pki, d.tls_port)
            reply, transcript = gsasl_login(c, mech, "alice", "secret",
                                            cb_exporter=c.exporter)
            check_eq(reply, OK, mech + " with tls-exporter:\n" + transcript)
            check("server trusted" in transcript,
                  mech + ": gsasl trusts the server:\n" + transcript)
            c.close()

        # the exporter of another TLS session: what a relay would have
        c = SClient(pki, d.tls_port)
        other = SClient(pki, d.tls_port)
        check(c.exporter != other.exporter, "each session its own exporter")
        reply, transcript = gsasl_login(c, "SCRAM-SHA-256-PLUS", "alice",
                                        "secret", cb_exporter=other.exporter)
        check_eq(reply, FAILED, "someone else's binding:\n" + transcript)
        other.close()
        c.close()
    finally:
        check_eq(d.stop(), 0, "exit status after SIGTERM")


require_program("openssl")
require_program("gsasl")
run(main)
