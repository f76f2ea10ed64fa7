# Writers and readers at once: each waits for the other's lock instead of
# failing, and no writer's change is lost although each -a replaces the
# whole file (userdb_compact).
. "$top_srcdir/testsuite/popauth/lib.sh"

expect 0 "$POPAUTH" -f "$DB" -a seed -p seed-pw
pids=()
for i in $(seq 1 12); do
	"$POPAUTH" -f "$DB" -a "user$i" -p "pw$i" 2>"$WORK/w$i.err" &
	pids+=($!)
	"$POPAUTH" -f "$DB" --check seed -p seed-pw 2>"$WORK/r$i.err" &
	pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do
	wait "$pid" || failed=$((failed + 1))
done
cat "$WORK"/*.err
[ "$failed" = 0 ] || fail "$failed of ${#pids[@]} concurrent popauth runs failed"
expect 0 "$POPAUTH" -f "$DB" -l
[ "$(wc -l <"$WORK/out")" = 13 ] || fail "users lost: $(tr '\n' ' ' <"$WORK/out")"
for i in $(seq 1 12); do
	expect 0 "$POPAUTH" -f "$DB" --check "user$i" -p "pw$i"
done
exit 0
