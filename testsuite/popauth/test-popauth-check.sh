# --check: exit 0 for the right password, 1 for a wrong one or an unknown
# user, with nothing on stdout either way.
. "$top_srcdir/testsuite/popauth/lib.sh"

expect 0 "$POPAUTH" -f "$DB" -a alice -p 'Correct Horse:battery=staple!'
expect 0 "$POPAUTH" -f "$DB" --check alice -p 'Correct Horse:battery=staple!'
[ -s "$WORK/out" ] && fail "stdout not empty"
expect 1 "$POPAUTH" -f "$DB" --check alice -p 'Correct Horse:battery=staple'
expect_one_error_line
expect 1 "$POPAUTH" -f "$DB" --check alice -p 'correct Horse:battery=staple!'
expect 1 "$POPAUTH" -f "$DB" --check bob -p 'Correct Horse:battery=staple!'
expect_one_error_line
exit 0
