#!/bin/bash
# Build pop3d and run a demo server on 127.0.0.1:1110 in the foreground.
#
# The demo area is _demo/ in the checkout: a Maildir with three messages,
# a popauth database with the virtual user "demo" (password "demo") whose
# mailbox is that Maildir, and a config file.  The Maildir and the database
# are made afresh on every run, so the demo can be run again and again.
# Ctrl-C stops the server.
set -eu

cd "$(dirname "$0")/.."
top=$(pwd)
# The test suite (testsuite/interop/test-demo-script.py) runs this script
# against its own build, in a directory and on a port of its own.
build="${POP3D_DEMO_BUILD:-$top/_build}"
demo="${POP3D_DEMO_DIR:-$top/_demo}"
port="${POP3D_DEMO_PORT:-1110}"

if [ -z "${POP3D_DEMO_BUILD:-}" ]; then
	bash scripts/install-deps.sh

	# Build (out of tree, the same _build/ that scripts/run-tests.sh
	# uses).
	if [ ! -x configure ]; then
		autoreconf -fi
	fi
	mkdir -p "$build"
	if [ ! -f "$build/Makefile" ]; then
		(cd "$build" && "$top/configure" -q)
	fi
	make -C "$build" -s -j2 pop3d/pop3d pop3d/popauth
fi

# A fresh demo area.
rm -rf "$demo/Maildir" "$demo/popauth.db" "$demo/stat.db"
mkdir -p "$demo/Maildir/cur" "$demo/Maildir/new" "$demo/Maildir/tmp"

# deliver NAME: a message from stdin into Maildir/new, the way an MDA
# does (written in tmp/, then renamed into new/).
deliver() {
	cat >"$demo/Maildir/tmp/$1"
	mv "$demo/Maildir/tmp/$1" "$demo/Maildir/new/$1"
}

deliver 1700000001.M1P1.demo <<'EOF'
Return-Path: <alice@example.org>
Received: from mx.example.org (mx.example.org [192.0.2.10])
	by mail.example.net with ESMTP id 4F3A2; Tue, 14 Nov 2023 22:13:21 +0000
From: Alice Martin <alice@example.org>
To: demo@example.net
Subject: Welcome to the pop3d demo
Date: Tue, 14 Nov 2023 22:13:20 +0000
Message-ID: <demo-1@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Hello,

this message sits in a Maildir (_demo/Maildir/new) and pop3d serves it
to any POP3 client. Try RETR, TOP, UIDL and DELE.

Alice
EOF

deliver 1700000002.M2P1.demo <<'EOF'
Return-Path: <bob@example.com>
From: =?UTF-8?Q?Bj=C3=B6rn_Berg?= <bob@example.com>
To: demo@example.net
Subject: =?UTF-8?Q?R=C3=A9union_de_lundi?=
Date: Wed, 15 Nov 2023 08:02:45 +0100
Message-ID: <demo-2@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Bonjour,

la réunion de lundi est déplacée à 14 h. Grüße aus Köln!

A line that starts with a dot follows; POP3 dot-stuffs it on the wire:
.signature
-- 
Björn
EOF

deliver 1700000003.M3P1.demo <<'EOF'
Return-Path: <noreply@status.example.net>
From: Status Robot <noreply@status.example.net>
To: demo@example.net
Subject: [status] nightly backup finished
Date: Thu, 16 Nov 2023 03:00:07 +0000
Message-ID: <demo-3@status.example.net>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=us-ascii

Backup of /srv finished in 12 min 4 s; 18.2 GiB written.

--b1
Content-Type: text/csv; name="summary.csv"
Content-Disposition: attachment; filename="summary.csv"

volume,bytes,files
/srv/www,1203450112,48211
/srv/mail,18300019821,1120334
--b1--
EOF

# --apop keeps a reversible secret for this user, so that every login a
# client may pick works: APOP (offered by default, apop = yes), SASL
# CRAM-MD5 (curl's first choice), and the SCRAM keys popauth always keeps.
"$build/pop3d/popauth" -f "$demo/popauth.db" -a demo -p demo --apop \
	--mailbox "maildir:$demo/Maildir"

cat >"$demo/pop3d.conf" <<EOF
# pop3d demo configuration (written by scripts/demo.sh)
host_id = pop3d-demo.localhost
auth = popauth
popauth_db = $demo/popauth.db
# The template for virtual users; "demo" has its own mailbox in popauth_db.
mailbox = maildir:$demo/%u/Maildir
pop3_listen_addr = 127.0.0.1
pop3_listen_port = $port
pop3_log_file = -
pop3_log_level = 5
# failed-login counts and login times (the default is under /usr/local)
stat_file = $demo/stat.db
EOF

cat <<EOF

pop3d demo: user "demo", password "demo", Maildir $demo/Maildir
config: $demo/pop3d.conf

In another terminal, list the messages:
  curl -s pop3://127.0.0.1:$port/ -u demo:demo
fetch message 1:
  curl -s pop3://127.0.0.1:$port/1 -u demo:demo
or talk POP3 yourself (USER demo, PASS demo, LIST, RETR 2, QUIT):
  python3 -c 'import poplib; p=poplib.POP3("127.0.0.1",$port); p.user("demo"); p.pass_("demo"); print(p.list()); p.quit()'

Starting pop3d on 127.0.0.1:$port; Ctrl-C stops it.

EOF

exec "$build/pop3d/pop3d" -d --foreground -c "$demo/pop3d.conf"
