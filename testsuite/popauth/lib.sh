# Shared by the popauth tests: the binary, a scratch directory, checks.
set -u
: "${top_builddir:?run through make check}"
POPAUTH="$top_builddir/pop3d/popauth"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/popauth-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
DB="$WORK/users.db"

fail() {
	echo "FAIL: $*"
	exit 1
}

# expect STATUS COMMAND...: run COMMAND, fail unless it exits with STATUS.
# Its stdout is left in $WORK/out, its stderr in $WORK/err.
expect() {
	local want=$1 got
	shift
	"$@" >"$WORK/out" 2>"$WORK/err"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "stdout:"; cat "$WORK/out"
		echo "stderr:"; cat "$WORK/err"
		fail "'$*' exited $got, expected $want"
	fi
}

# stderr of the last expect must be one line starting "popauth: "
expect_one_error_line() {
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "stderr is not one line: $(cat "$WORK/err")"
	grep -q '^popauth: ' "$WORK/err" || fail "stderr lacks 'popauth: ': $(cat "$WORK/err")"
}

# Is a byte string in the database file?
db_contains() {
	grep -a -q -F -- "$1" "$DB"
}
