"""curl's own SASL clients against pop3d -d: PLAIN, LOGIN and CRAM-MD5,
each with (--sasl-ir) and without an initial response, chosen with
--login-options AUTH=...; the mail comes out byte-exact.  (Debian's curl
has no SCRAM: test-sasl-gsasl-client.py covers it with gsasl.)"""
import shutil
import subprocess

from pop3test import *

MSG = b"Subject: curl\n\nline one\n.dot line\n"


def curl(port, mech, password, ir):
    argv = ["curl", "--silent", "--show-error", "--verbose", "--max-time",
            "20", "--user", "alice:" + password, "--login-options",
            "AUTH=" + mech]
    if ir:
        argv.append("--sasl-ir")
    argv.append("pop3://127.0.0.1:%d/1" % port)
    return subprocess.run(argv, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=30)


def main():
    check(shutil.which("curl") is not None, "curl is needed")
    # many wrong passwords here: blocks are for test-blocks.py
    st = Setup(TempDir(), msgs=[MSG], apop=True,
               extra={"pop3_auth_times": "100"})
    with Pop3Daemon(st) as d:
        for mech in ("PLAIN", "LOGIN", "CRAM-MD5"):
            for ir in (False, True):
                what = "%s%s" % (mech, " --sasl-ir" if ir else "")
                r = curl(d.port, mech, "secret", ir)
                err = r.stderr.decode(errors="replace")
                check_eq(r.returncode, 0, what + ": curl:\n" + err)
                check("> AUTH %s" % mech in err, what + ": AUTH sent:\n"
                      + err)
                if ir and mech != "CRAM-MD5":
                    check("> AUTH %s " % mech in err,
                          what + ": with the initial response:\n" + err)
                check_eq(r.stdout, wire_form(MSG).replace(b"\r\n..", b"\r\n."),
                         what + ": the message")
                r = curl(d.port, mech, "bad", ir)
                check(r.returncode != 0, what + ": a wrong password fails")
                check("-ERR [AUTH]" in r.stderr.decode(errors="replace"),
                      what + ": [AUTH] for the wrong password")


run(main)
