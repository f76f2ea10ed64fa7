# A database that does not exist is an error for every action but -a, which
# creates it; its directory is never created.
. "$top_srcdir/testsuite/popauth/lib.sh"

for args in "-l" "-d alice" "-m alice -p x" "--check alice -p x"; do
	# shellcheck disable=SC2086
	expect 1 "$POPAUTH" -f "$DB" $args
	expect_one_error_line
	grep -qF "$DB" "$WORK/err" || fail "$args: message does not name the file: $(cat "$WORK/err")"
	[ -e "$DB" ] && fail "$args created the database"
done

expect 1 "$POPAUTH" -f "$WORK/no-such-dir/users.db" -a alice -p x
expect_one_error_line
[ -e "$WORK/no-such-dir" ] && fail "-a created the directory"

# a file that is not a GDBM database is refused, not overwritten
echo "not a database" >"$DB"
expect 1 "$POPAUTH" -f "$DB" -a alice -p x
expect_one_error_line
[ "$(cat "$DB")" = "not a database" ] || fail "-a changed a foreign file"
exit 0
