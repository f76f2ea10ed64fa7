"""data_file_path and pop3_code.txt: the first pop3_code.txt found in the
directories of data_file_path replaces the text of the responses it
names -- made in the network process (greeting, unknown command), the
monitor (a failed login, LOGIN-DELAY with its {interval} and {wait}) or
the transaction process (signing off with the count of messages left) --
while the status word, the response code, host_id and the APOP
timestamp stay; codes left out keep their built-in texts.  pop3d -t
reports a line without a TAB, an unknown or repeated code and a bad text
with FILE:LINE and exits 1, and pop3d refuses to start with such a
file.  The listener's refusals take the texts too, and SIGHUP reads the
file again."""
import re
import signal
import time

from pop3test import *

TEXTS = (
    "# our own words\n"
    "greeting\tcourier at your service\n"
    "\n"
    "unknown-command\tno such verb\n"
    "auth-failed\tthat did not work\n"
    "signing-off\tso long\n"
    "login-delay\tone login each {interval}s, {wait}s to go\n"
)


def lint(conf):
    r = run_pop3d_t(conf)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


def main():
    tmp = TempDir()
    empty = tmp.join("empty")
    texts = tmp.join("texts")
    os.makedirs(empty)
    os.makedirs(texts)
    with open(os.path.join(texts, "pop3_code.txt"), "w") as f:
        f.write(TEXTS)
    st = Setup(tmp, msgs=[b"Subject: a\n\nbody\n"], apop=True, extra={
        "data_file_path": "%s:%s" % (empty, texts),
        "login_delay": "1 hour"})

    rc, out, err = lint(st.conf)
    check_eq(rc, 0, "-t with a sound pop3_code.txt (stderr %r)" % err)
    check("data_file_path = %s:%s" % (empty, texts) in out.splitlines(),
          "-t prints data_file_path")

    c = Pop3Pipe(st.conf)
    check(re.match(rb"\+OK pop3\.test courier at your service "
                   rb"<[^>]+@pop3\.test>\r\n$", c.greeting),
          "greeting: host_id, the text, the APOP timestamp: %r" % c.greeting)
    check_eq(c.cmd("FROB"), b"-ERR no such verb\r\n", "unknown command")
    check_eq(c.cmd("STAT"), b"-ERR command not valid in this state\r\n",
             "a code left out keeps its text")
    c.cmd("USER alice")
    check_eq(c.cmd("PASS wrong"), b"-ERR [AUTH] that did not work\r\n",
             "a failed login (the monitor's text)")
    c.cmd("USER alice")
    check(c.cmd("PASS secret").startswith(b"+OK alice has 1 message"),
          "login")
    check_eq(c.cmd("QUIT"), b"+OK pop3.test so long (1 message left)\r\n",
             "signing off: the count stays")
    c.wait()

    c = Pop3Pipe(st.conf)
    c.cmd("USER alice")
    r = c.cmd("PASS secret")
    check(re.match(rb"-ERR \[LOGIN-DELAY\] one login each 3600s, "
                   rb"\d+s to go\r\n$", r), "LOGIN-DELAY placeholders: %r" % r)
    check_eq(c.cmd("QUIT"), b"+OK pop3.test so long\r\n",
             "signing off before login")

    # the listener's refusals, and SIGHUP reading the file again
    path = os.path.join(texts, "pop3_code.txt")
    with open(path, "a") as f:
        f.write("too-many-connections\tfull up, come back later\n")
    d = Pop3Daemon(st, args=("-d1",)).start()
    first = d.connect()
    second = d.connect(read_greeting=False)
    check_eq(second.read_line(), b"-ERR [SYS/TEMP] pop3.test full up, come "
             b"back later\r\n", "too many connections")
    first.cmd("QUIT")
    first.expect_eof()
    with open(path, "w") as f:
        f.write("greeting\tready again\n")
    d.proc.send_signal(signal.SIGHUP)
    # until the slot is free and the new file read (a refusal in the
    # meantime is the old session still ending)
    deadline = time.monotonic() + 10
    while True:
        c = d.connect(read_greeting=False)
        greeting = c.read_line()
        c.close()
        if greeting.startswith(b"+OK pop3.test ready again <"):
            break
        check(time.monotonic() < deadline, "SIGHUP: %r" % greeting)
        time.sleep(0.1)
    check_eq(d.stop(), 0, "exit status")

    # broken files: every problem at its line, exit 1, no start
    conf_lines = {
        "greeting POP3 ready\n": (1, "no TAB"),
        "# fine\nno-such-code\tx\n": (2, 'unknown code "no-such-code"'),
        "in-use\ta\nin-use\tb\n": (2, "in-use: given twice (first on line 1)"),
        "in-use\t\n": (1, "in-use: empty text"),
        "in-use\t[SYS/PERM] x\n": (1, "in-use: text starts with '['"),
        "in-use\twait {wait}\n": (1, "in-use: unknown placeholder {wait}"),
        "login-delay\twait {minutes}\n":
            (1, "login-delay: unknown placeholder {minutes}"),
        "in-use\t" + "x" * 201 + "\n": (1, "in-use: text too long"),
    }
    for text, (line, what) in conf_lines.items():
        with open(path, "w") as f:
            f.write(text)
        rc, out, err = lint(st.conf)
        check_eq(rc, 1, "-t with %r (stderr %r)" % (text, err))
        check("%s:%d: %s" % (path, line, what) in err,
              "FILE:LINE for %r: %r" % (text, err))
        c = Pop3Pipe(st.conf, read_greeting=False)
        c.expect_eof()
        check_eq(c.wait(), 1, "pop3d refuses to start with %r" % text)

    # a greeting text must leave room for host_id twice and the timestamp
    with open(path, "w") as f:
        f.write("greeting\t" + "g" * 60 + "\n")
    rc, out, err = lint(st.conf)
    check_eq(rc, 0, "a 60-octet greeting with a short host_id: %r" % err)
    st.rewrite(host_id="h" * 210)
    rc, out, err = lint(st.conf)
    check_eq(rc, 1, "a 60-octet greeting with a 210-octet host_id")
    check("%s:1: greeting: text too long (60 octets): at most 34" % path
          in err, "the greeting's room: %r" % err)

    # no file anywhere: the built-in texts, and -t says where it looked
    st.rewrite(host_id="pop3.test", data_file_path=empty)
    rc, out, err = lint(st.conf)
    check_eq(rc, 0, "-t without any pop3_code.txt")
    check(re.search(r"^%s:\d+: warning: data_file_path: no pop3_code.txt "
                    r"in %s" % (re.escape(st.conf), re.escape(empty)),
                    err, re.M), "warning: %r" % err)
    c = Pop3Pipe(st.conf)
    check(c.greeting.startswith(b"+OK pop3.test POP3 server ready <"),
          "built-in greeting: %r" % c.greeting)
    c.cmd("QUIT")


run(main)
