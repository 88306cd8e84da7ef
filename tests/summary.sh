#!/bin/sh
# SPDX-License-Identifier: MIT
# Prints the suite's closing line from automake's .trs files:
#   N passed, N failed[, N skipped]
# and exits non-zero when anything failed or errored. Usage:
#   summary.sh BUILDDIR...
# With several build directories (one per run: plain, sanitizers, valgrind,
# fuzzing) each run's tests count separately: a line per directory, then
# the total of all of them last. A directory without results counts as one
# failure (its build or harness never ran).
set -eu
[ $# -gt 0 ] || set -- .

# counts DIR: sets pass, fail and skip for one build directory.
counts() {
	pass=0 fail=0 skip=0
	for f in $(find "$1/tests" -name '*.trs' 2>/dev/null | sort); do
		r=$(sed -n 's/^:test-result: //p' "$f")
		case "$r" in
		PASS | XFAIL) pass=$((pass + 1)) ;;
		SKIP) skip=$((skip + 1)) ;;
		*)
			fail=$((fail + 1))
			echo "failed: ${f%.trs}" >&2
			;;
		esac
	done
	if [ $((pass + fail + skip)) -eq 0 ]; then
		echo "no test results found under $1/tests" >&2
		fail=1
	fi
}

# line PASS FAIL SKIP
line() {
	if [ "$3" -gt 0 ]; then
		echo "$1 passed, $2 failed, $3 skipped"
	else
		echo "$1 passed, $2 failed"
	fi
}

tpass=0 tfail=0 tskip=0
for dir in "$@"; do
	counts "$dir"
	[ $# -eq 1 ] || echo "$(basename "$dir"): $(line $pass $fail $skip)"
	tpass=$((tpass + pass)) tfail=$((tfail + fail)) tskip=$((tskip + skip))
done
line $tpass $tfail $tskip
[ "$tfail" -eq 0 ]
