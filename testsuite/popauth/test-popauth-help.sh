# -h, -? and --help print the usage on stdout and exit 0, as pop3d -? and
# mu-sieve -? do; --version names the package.
. "$top_srcdir/testsuite/popauth/lib.sh"

for opt in -h '-?' --help; do
	expect 0 "$POPAUTH" "$opt"
	grep -q '^Usage: popauth ' "$WORK/out" || fail "$opt: no usage: $(cat "$WORK/out")"
	[ -s "$WORK/err" ] && fail "$opt wrote to stderr: $(cat "$WORK/err")"
done
expect 0 "$POPAUTH" --version
grep -q '^popauth (pop3d) ' "$WORK/out" || fail "--version: $(cat "$WORK/out")"
exit 0
