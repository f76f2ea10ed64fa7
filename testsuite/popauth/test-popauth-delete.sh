# -d removes exactly the named user; deleting a missing user is an error.
. "$top_srcdir/testsuite/popauth/lib.sh"

expect 0 "$POPAUTH" -f "$DB" -a alice -p a-pass
expect 0 "$POPAUTH" -f "$DB" -a bob -p b-pass
expect 0 "$POPAUTH" -f "$DB" -d alice
expect 0 "$POPAUTH" -f "$DB" -l
[ "$(cat "$WORK/out")" = bob ] || fail "after -d alice the list is: $(cat "$WORK/out")"
expect 1 "$POPAUTH" -f "$DB" --check alice -p a-pass
expect 0 "$POPAUTH" -f "$DB" --check bob -p b-pass

expect 1 "$POPAUTH" -f "$DB" -d alice
expect_one_error_line
grep -q 'no such user: alice' "$WORK/err" || fail "message: $(cat "$WORK/err")"

expect 0 "$POPAUTH" -f "$DB" -d bob
expect 0 "$POPAUTH" -f "$DB" -l
[ -s "$WORK/out" ] && fail "list not empty: $(cat "$WORK/out")"
exit 0
