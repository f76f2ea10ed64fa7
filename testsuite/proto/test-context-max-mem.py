"""context_max_mem bounds what a session holds in its network buffers:
below the floor -- an 8 KiB input buffer, which a command line or SASL
response needs, and one 512-octet reply -- it is an error for pop3d -t
(FILE:LINE) and pop3d does not start; under 80 KiB it cuts the output
buffer to context_max_mem less the input buffer, so no write to the
client is larger (seen with strace), and a large message still arrives
whole.  With the default (2M) the buffer keeps its 64 KiB."""
import re
import shutil
import sys

from pop3test import *

BIG = b"Subject: big\n\n" + b"".join(b"line %06d of a long body\n" % i
                                      for i in range(6000))


def client_writes(trace):
    """The sizes of pop3d's write()s to fd 1 (see test-reply-writes.py)."""
    text = open(trace).read()
    unfinished, lines = {}, []
    for line in text.splitlines():
        m = re.match(r"^(\d+)\s+(.*) <unfinished \.\.\.>$", line)
        if m:
            unfinished[m.group(1)] = m.group(2)
            continue
        m = re.match(r"^(\d+)\s+<\.\.\. \w+ resumed>(.*)$", line)
        if m and m.group(1) in unfinished:
            line = m.group(1) + "  " + unfinished.pop(m.group(1)) + m.group(2)
        lines.append(line)
    return [int(m.group(1)) for m in
            re.finditer(r"^\d+\s+write\(1, .*\)\s+=\s+(\d+)$",
                        "\n".join(lines), re.M)]


def retr_writes(st, tmp, strace):
    trace = tmp.join("trace")
    c = Pop3Pipe(st.conf, pop3d=strace,
                 args=("-f", "-e", "trace=write", "-o", trace, POP3D, "-i"))
    c.login("alice", "secret")
    c.send("RETR 1\r\n")
    got = c.read_multi()
    check_eq(got, b"+OK %d octets\r\n" % wire_size(BIG) + wire_form(BIG) +
             b".\r\n", "the message, whole")
    c.cmd("QUIT")
    c.wait()
    return client_writes(trace)


def main():
    tmp = TempDir()
    st = Setup(tmp, msgs=[BIG])

    for small in ("4K", "8703"):
        st.rewrite(context_max_mem=small)
        r = run_pop3d_t(st.conf)
        err = r.stderr.decode()
        check_eq(r.returncode, 1, "-t with context_max_mem = %s" % small)
        check(re.search(r"^%s:\d+: context_max_mem: \d+ bytes is too small: "
                        r"at least 8704 " % re.escape(st.conf), err, re.M),
              "FILE:LINE: %r" % err)
        c = Pop3Pipe(st.conf, read_greeting=False)
        c.expect_eof()
        check_eq(c.wait(), 1, "no start with context_max_mem = %s" % small)
    st.rewrite(context_max_mem="8704")
    r = run_pop3d_t(st.conf)
    check_eq(r.returncode, 0, "the floor itself (stderr %r)" % r.stderr)
    check(b"\ncontext_max_mem = 8704\n" in r.stdout, "-t prints it")

    strace = shutil.which("strace")
    if strace is None:
        print("strace is needed for the rest (Debian package strace)")
        sys.exit(77)
    st.rewrite(context_max_mem="12K")
    writes = retr_writes(st, tmp, strace)
    check(writes and max(writes) <= 12 * 1024 - 8192,
          "12K: no write above 4096 octets: %r" % writes)
    st.rewrite(context_max_mem=None)
    writes = retr_writes(st, tmp, strace)
    check(max(writes) > 4096 and max(writes) <= 65536,
          "the default: writes of up to 64 KiB: %r" % writes)


run(main)
