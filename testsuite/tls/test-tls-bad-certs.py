#!/usr/bin/env python3
"""Each unusable certificate setting is reported by `pop3d -t` and at
start (inetd mode and -d) as one line naming the config line, the file
and the reason -- strerror for files that cannot be read, GnuTLS's own
message for the rest -- and pop3d exits 1 before serving anybody:
missing file, directory, unreadable file, key of another certificate,
wrong password, no password for an encrypted key, garbage in the
certificate and in the key, more certificates than keys.  The right
password, and a certificate file holding its own key, are accepted."""

import os
import re
import subprocess

from pop3test import (DEFAULT_TIMEOUT, POP3D, Setup, TempDir, check, check_eq,
                      free_port, run)
from tlstest import Pki, run_pop3d_t, tls_settings


def one_line(stderr, what):
    # warnings about other directives are not part of the story
    lines = [line for line in stderr.decode(errors="replace").splitlines()
             if ": warning: " not in line]
    check_eq(len(lines), 1, what + ": one line on stderr: %r" % lines)
    return lines[0]


def check_case(st, name, settings, directive, file, reason):
    changes = dict(pop3_certificate_path=None, pop3_private_key_path=None,
                   pop3_certificate_passwd=None)
    changes.update(settings)
    st.rewrite(**changes)
    with open(st.conf) as f:
        lineno = [i + 1 for i, line in enumerate(f)
                  if line.startswith(directive + " ")]
    check_eq(len(lineno), 1, name + ": the directive is in the file")
    want = re.compile(r"%s:%d: %s: %s: .*%s" % (
        re.escape(st.conf), lineno[0], directive, re.escape(file), reason))

    r = run_pop3d_t(st.conf)
    check_eq(r.returncode, 1, name + ": pop3d -t status")
    line = one_line(r.stderr, name + ": pop3d -t")
    check(want.match(line), "%s: pop3d -t says %r" % (name, line))

    for mode in (["-i"], ["-i", "-s"], ["-d", "--foreground"]):
        r = subprocess.run([POP3D] + mode + ["-c", st.conf],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=DEFAULT_TIMEOUT)
        what = "%s: pop3d %s" % (name, " ".join(mode))
        check_eq(r.returncode, 1, what + ": exit status")
        check_eq(r.stdout, b"", what + ": no greeting")
        line = one_line(r.stderr, what)
        check(line.startswith("pop3d: ") and want.match(line[7:]),
              "%s: says %r" % (what, line))


def main():
    tmp = TempDir()
    pki = Pki(tmp)
    st = Setup(tmp, extra=tls_settings(pki, pop3_listen_addr="127.0.0.1",
                                       pop3_listen_port=str(free_port())))
    garbage = tmp.join("garbage.pem")
    with open(garbage, "w") as f:
        f.write("this is not a certificate\n")
    armoured = tmp.join("armoured.pem")
    with open(armoured, "w") as f:
        f.write("-----BEGIN CERTIFICATE-----\n!!not base64!!\n"
                "-----END CERTIFICATE-----\n")
    missing = tmp.join("missing.pem")

    cases = [
        ("missing certificate",
         dict(pop3_certificate_path=missing, pop3_private_key_path=pki.key),
         "pop3_certificate_path", missing, "No such file or directory"),
        ("missing key",
         dict(pop3_certificate_path=pki.cert, pop3_private_key_path=missing),
         "pop3_private_key_path", missing, "No such file or directory"),
        ("directory",
         dict(pop3_certificate_path=tmp.path, pop3_private_key_path=pki.key),
         "pop3_certificate_path", tmp.path, "Is a directory"),
        ("key of another certificate",
         dict(pop3_certificate_path=pki.cert,
              pop3_private_key_path=pki.other_key),
         "pop3_private_key_path", pki.other_key,
         r"The certificate and the given key do not match"),
        ("wrong password",
         dict(pop3_certificate_path=pki.cert,
              pop3_private_key_path=pki.enc_key,
              pop3_certificate_passwd="wrong"),
         "pop3_private_key_path", pki.enc_key, "Decryption has failed"),
        ("no password",
         dict(pop3_certificate_path=pki.cert,
              pop3_private_key_path=pki.enc_key),
         "pop3_private_key_path", pki.enc_key,
         "pop3_certificate_passwd is unset"),
        ("garbage certificate",
         dict(pop3_certificate_path=garbage, pop3_private_key_path=pki.key),
         "pop3_certificate_path", garbage, "no PEM data"),
        ("garbage in PEM armour",
         dict(pop3_certificate_path=armoured, pop3_private_key_path=pki.key),
         "pop3_certificate_path", armoured, "Base64"),
        ("garbage key",
         dict(pop3_certificate_path=pki.cert, pop3_private_key_path=garbage),
         "pop3_private_key_path", garbage, "no PEM data"),
        ("certificate without key",
         dict(pop3_certificate_path=pki.cert),
         "pop3_certificate_path", pki.cert, "no usable private key"),
    ]
    if os.geteuid() != 0:
        unreadable = tmp.join("unreadable-key.pem")
        with open(pki.key, "rb") as src, open(unreadable, "wb") as dst:
            dst.write(src.read())
        os.chmod(unreadable, 0)
        cases.append(("unreadable key",
                      dict(pop3_certificate_path=pki.cert,
                           pop3_private_key_path=unreadable),
                      "pop3_private_key_path", unreadable,
                      "Permission denied"))
    else:
        # root reads any file: a FIFO nobody writes stands for a file
        # that cannot be read (and must not hang pop3d)
        fifo = tmp.join("fifo-key.pem")
        os.mkfifo(fifo)
        cases.append(("unreadable key",
                      dict(pop3_certificate_path=pki.cert,
                           pop3_private_key_path=fifo),
                      "pop3_private_key_path", fifo, ""))
    for case in cases:
        check_case(st, *case)

    # more certificates than keys: named, with both counts
    st.rewrite(pop3_certificate_path="%s:%s" % (pki.cert, pki.other_cert),
               pop3_private_key_path=pki.key, pop3_certificate_passwd=None)
    r = run_pop3d_t(st.conf)
    check_eq(r.returncode, 1, "two certificates, one key: status")
    check("pop3_private_key_path: 1 key file for 2 certificate files" in
          one_line(r.stderr, "two certificates, one key"), "pairing")

    # and what works
    for settings in [dict(pop3_certificate_path=pki.cert,
                          pop3_private_key_path=pki.enc_key,
                          pop3_certificate_passwd='"%s"' % pki.enc_password),
                     dict(pop3_certificate_path=pki.combined,
                          pop3_private_key_path=None,
                          pop3_certificate_passwd=None)]:
        st.rewrite(**settings)
        r = run_pop3d_t(st.conf)
        problems = [line for line in r.stderr.decode().splitlines()
                    if ": warning: " not in line]
        check_eq((r.returncode, problems), (0, []), "accepted: %r" % settings)
        if settings["pop3_certificate_passwd"]:
            # the password is not printed: -t output gets shared
            check(b"\npop3_certificate_passwd = ********\n" in r.stdout and
                  pki.enc_password.encode() not in r.stdout,
                  "-t hides the key's password: %r" % r.stdout)


run(main)
