"""CAPA (RFC 2449 section 5): exact lists in AUTHORIZATION and
TRANSACTION, following the configuration.  The SASL line (RFC 5034)
lists what can succeed: popauth users have SCRAM keys, none has the
reversible secret CRAM-MD5 needs.  What AUTHORIZATION announces is
announced after login too (RFC 2449 section 5: USER, AUTH-RESP-CODE,
SASL), so a client that asks only then learns the same."""
import subprocess

from pop3test import *

SASL = "SASL SCRAM-SHA-256 SCRAM-SHA-1 PLAIN LOGIN\r\n"


def version():
    out = subprocess.run([POP3D, "--version"], stdout=subprocess.PIPE,
                         check=True).stdout.decode()
    return out.split()[-1]


def main():
    tmp = TempDir()
    st = Setup(tmp, msgs=[b"Subject: x\n\nbody\n"])

    c = Pop3Pipe(st.conf)
    c.send("CAPA\r\n")
    c.expect("+OK Capability list follows\r\n"
             "TOP\r\nUIDL\r\nUSER\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n"
             "PIPELINING\r\nEXPIRE NEVER\r\n" + SASL + ".\r\n")
    c.login(st.user, st.password)
    # after login: the same list
    c.send("capa\r\n")
    c.expect("+OK Capability list follows\r\n"
             "TOP\r\nUIDL\r\nUSER\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n"
             "PIPELINING\r\nEXPIRE NEVER\r\n" + SASL + ".\r\n")
    c.send("CAPA extra\r\n")
    c.expect("-ERR wrong number of arguments\r\n")
    c.cmd("QUIT")

    st.rewrite(expire="5", login_delay="60",
               enable_capa_implementation="yes")
    c = Pop3Pipe(st.conf)
    full = ("+OK Capability list follows\r\n"
            "TOP\r\nUIDL\r\nUSER\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n"
            "PIPELINING\r\nEXPIRE 5\r\nLOGIN-DELAY 60\r\n" + SASL +
            "IMPLEMENTATION pop3d-%s\r\n.\r\n" % version())
    c.send("Capa\r\n")
    c.expect(full)
    # alice logged in just now: login_delay would refuse her
    st.add_user("bob", "bob-pw")
    c.login("bob", "bob-pw")
    c.send("CAPA\r\n")
    c.expect(full)
    c.cmd("QUIT")

    st.rewrite(expire="0", login_delay=None,
               enable_capa_implementation=None)
    c = Pop3Pipe(st.conf)
    c.send("CAPA\r\n")
    c.expect("+OK Capability list follows\r\n"
             "TOP\r\nUIDL\r\nUSER\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n"
             "PIPELINING\r\nEXPIRE 0\r\n" + SASL + ".\r\n")
    c.cmd("QUIT")


run(main)
