#!/bin/bash
# Install what is missing, build pop3d out of tree in _build/, run every
# test, and end with one line: "N passed, M failed".
#
# Every test runs even when some fail (make -k); a test that hangs is ended
# after $TEST_TIMEOUT seconds and counts as failed.  Exit status 0 when
# nothing failed, 1 otherwise.  ERROR and XPASS results count as failed,
# XFAIL as passed; skipped tests are reported on the line before the last.
set -u

cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
build="$top/_build"
jobs=${JOBS:-2}
TEST_TIMEOUT=${TEST_TIMEOUT:-600}

build_failed() {
	echo "run-tests: $1" >&2
	echo "0 passed, 1 failed"
	exit 1
}

bash scripts/install-deps.sh || build_failed "installing dependencies failed"

echo "== autoreconf"
autoreconf -fi || build_failed "autoreconf failed"

echo "== configure (in $build)"
mkdir -p "$build" && cd "$build" || build_failed "cannot enter $build"
"$top/configure" -q || build_failed "configure failed"

echo "== make"
make -j"$jobs" || build_failed "the build failed"

# Run the tests with a time limit each.  timeout(1) starts a process group
# of its own and signals all of it, so a server a test left behind goes too.
limit="timeout -k 10 $TEST_TIMEOUT"
python3=$(sed -n 's/^PYTHON3 = //p' Makefile)
check_vars=(LOG_COMPILER="$limit" SH_LOG_COMPILER="$limit bash"
	PY_LOG_COMPILER="$limit ${python3:-python3}")

# The tests, straight from the Makefile, as the bases of their .log/.trs.
tests=$(printf 'print-tests:\n\t@echo $(TESTS)\n' |
	make -s -f Makefile -f - print-tests)
bases=()
for t in $tests; do
	t=${t%.py}
	bases+=("${t%.sh}")
done
# Results of an earlier run must not count in this one.
for b in "${bases[@]}"; do
	rm -f "$b.log" "$b.trs"
done
rm -f test-suite.log

echo "== make check"
make -k -j"$jobs" check "${check_vars[@]}"
if [ ! -f test-suite.log ]; then
	# Usually a test program that did not compile: check-am stops before
	# running any test.  Run every test that can be built; the ones that
	# cannot have no .trs file and are counted below as failed.
	echo "== running the tests that can be built"
	make -k -j"$jobs" test-suite.log TEST_LOGS="${bases[*]/%/.log}" \
		"${check_vars[@]}"
fi

passed=0 failed=0 skipped=0
failed_tests=()
for b in "${bases[@]}"; do
	if [ ! -f "$b.trs" ]; then
		failed=$((failed + 1))
		failed_tests+=("$b|no result: it did not build or did not run")
		continue
	fi
	# A .trs holds one ":test-result:" line per result (one for us);
	# none at all means the driver itself broke down.
	results=$(sed -n 's/^:test-result: *//p' "$b.trs")
	if [ -z "$results" ]; then
		failed=$((failed + 1))
		failed_tests+=("$b|no result in $b.trs")
		continue
	fi
	while read -r result; do
		case $result in
		PASS | XFAIL) passed=$((passed + 1)) ;;
		SKIP) skipped=$((skipped + 1)) ;;
		*)
			failed=$((failed + 1))
			failed_tests+=("$b|$result")
			;;
		esac
	done <<<"$results"
done

for entry in "${failed_tests[@]+"${failed_tests[@]}"}"; do
	b=${entry%%|*}
	echo
	echo "==================== $b: ${entry#*|}"
	if [ -f "$b.log" ]; then
		tail -n 40 "$b.log"
	fi
done

echo
if [ -f test-suite.log ]; then
	sed -n '/^# TOTAL:/,/^# ERROR:/p' test-suite.log
fi
if [ "$skipped" -gt 0 ]; then
	echo "$skipped skipped"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
