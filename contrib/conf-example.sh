#!/bin/sh
# Write pop3d.conf.example to stdout: every directive of pop3d's table,
# commented out, with its built-in default and the first sentence of its
# description in pop3d.conf(5).
#
#   conf-example.sh POP3D MANPAGE VERSION
#
# The directives and their defaults come from POP3D -t over an empty
# file, so the example lists exactly what this build knows, with the
# paths configure gave it; the comments come from the man page, which
# testsuite/unit/test-config-manpage holds to the same table.  host_id
# defaults to the host name of whoever runs pop3d: the example shows a
# placeholder, never the build machine's name.
set -eu

pop3d=$1
manpage=$2
version=$3

err=${TMPDIR:-/tmp}/conf-example.$$
trap 'rm -f "$err"' EXIT
# -c /dev/null: the built-in defaults, whatever pop3d.conf exists here
if ! settings=$("$pop3d" -t -c /dev/null 2>"$err") ||
   [ -z "$settings" ]; then
	# -t still prints the settings when only a check failed (say, no
	# user "nobody" on a build machine); nothing printed is an error
	if [ -z "${settings:-}" ]; then
		echo "conf-example.sh: $pop3d -t printed no settings:" >&2
		cat "$err" >&2
		exit 1
	fi
fi

printf '%s\n' "$settings" | awk -v manpage="$manpage" -v version="$version" '
# troff to plain text, for the few requests pop3d.conf.5 uses here
function plain(line,    req, rest, n, i, a, out) {
	if (line ~ /^\.\\"/)
		return ""
	if (match(line, /^\.[A-Z][A-Z]?( |$)/)) {
		req = substr(line, 2, RLENGTH - 1)
		sub(/ $/, "", req)
		rest = substr(line, RLENGTH + 1)
		if (req == "B" || req == "I") {
			gsub(/"/, "", rest)
			line = rest
		} else if (req ~ /^(BR|RB|IR|RI|BI|IB)$/) {
			# alternating fonts: the words join without spaces;
			# a quoted word keeps its spaces
			n = 0
			while (rest != "") {
				if (substr(rest, 1, 1) == "\"") {
					i = index(substr(rest, 2), "\"")
					if (i == 0) i = length(rest)
					a[++n] = substr(rest, 2, i - 1)
					rest = substr(rest, i + 2)
				} else {
					i = index(rest, " ")
					if (i == 0) i = length(rest) + 1
					a[++n] = substr(rest, 1, i - 1)
					rest = substr(rest, i)
				}
				sub(/^ +/, "", rest)
			}
			out = ""
			for (i = 1; i <= n; i++)
				out = out a[i]
			line = out
		} else {
			return ""
		}
	}
	gsub(/\\f[BIRP]/, "", line)
	gsub(/\\-/, "-", line)
	gsub(/\\\(dq/, "\"", line)
	gsub(/\\\(>=/, ">=", line)
	gsub(/\\\(mu/, "x", line)
	gsub(/\\&/, "", line)
	gsub(/\\e/, "\\", line)
	return line
}

# "# " comment lines of at most 72 columns
function wrap(text,    n, w, i, line) {
	n = split(text, w, / +/)
	line = "#"
	for (i = 1; i <= n; i++) {
		if (w[i] == "")
			continue
		if (length(line) + 1 + length(w[i]) > 72 && line != "#") {
			print line
			line = "#"
		}
		line = line " " w[i]
	}
	if (line != "#")
		print line
}

function flush(    text, head, rest, i, c) {
	if (name == "")
		return
	text = para
	gsub(/  +/, " ", text)
	sub(/^ /, "", text)
	# "TYPE (default: ...). First sentence. More."
	i = index(text, "(default:")
	head = ""
	rest = text
	if (i > 0) {
		c = substr(text, i)
		if (match(c, /\)\. /)) {
			head = substr(text, 1, i - 1 + RSTART + 1)
			rest = substr(c, RSTART + 3)
		}
	}
	# the man page starts each sentence on a line of its own: the
	# first ". " ends the first sentence
	if (match(rest, /\. /))
		rest = substr(rest, 1, RSTART)
	# a sentence that led to an example ends with a colon
	sub(/:$/, ".", rest)
	# the value line shows the default of this build
	sub(/, by default [^)]*\)/, ")", head)
	kind[name] = head
	summary[name] = rest
	section_of[name] = section
	name = ""
}

BEGIN {
	while ((getline line < manpage) > 0) {
		if (line ~ /^\.SH /) {
			flush()
			section = ""
			if (line ~ /^\.SH DIRECTIVES/) {
				section = substr(line, 5)
				gsub(/"/, "", section)
			}
			continue
		}
		if (section == "")
			continue
		if (line ~ /^\.TP/) {
			flush()
			want_name = 1
			continue
		}
		if (want_name) {
			name = plain(line)
			para = ""
			want_name = 0
			continue
		}
		if (line ~ /^\.(IP|PP|RS|RE|EX|EE)/) {
			flush()
			continue
		}
		if (name != "")
			para = para " " plain(line)
	}
	flush()

	print "# pop3d.conf: example configuration of pop3d " version
	print "#"
	print "# Every directive, commented out, with its built-in default.  To"
	print "# change a setting, remove the \"#\" in front of its line and edit the"
	print "# value.  \"pop3d -t\" checks the file and prints every setting in"
	print "# effect; SIGHUP (systemctl reload pop3d-daemon) makes a running"
	print "# daemon read it again.  pop3d.conf(5) describes each directive in"
	print "# full."
	print "#"
	print "# One directive a line, \"name = value\"; \"#\" starts a comment."
	print "# Durations are seconds or take a unit (90s, 3min, 1h, 5 days), sizes"
	print "# take K, M or G, booleans are yes or no, lists are words separated by"
	print "# spaces."
}

{
	eq = index($0, " = ")
	if (eq == 0) {
		n = $0
		sub(/ =$/, "", n)
		value = ""
	} else {
		n = substr($0, 1, eq - 1)
		value = substr($0, eq + 3)
	}
	s = (n in section_of) ? section_of[n] : "OTHER DIRECTIVES"
	if (s != last_section) {
		title = tolower(s)
		title = toupper(substr(title, 1, 1)) substr(title, 2)
		sub(/gromox pop3/, "Gromox pop3", title)
		sub(/gnu mailutils pop3d/, "GNU Mailutils pop3d", title)
		print ""
		print "# ==== " title " ===="
		last_section = s
	}
	print ""
	if (n in kind && kind[n] != "")
		wrap(n ": " kind[n])
	else
		wrap(n ":")
	if (n in summary && summary[n] != "")
		wrap(summary[n])
	if (n == "host_id")
		value = "mail.example.org"
	print "#" n " =" (value != "" ? " " value : "")
}
'
