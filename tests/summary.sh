#!/bin/sh
# SPDX-License-Identifier: MIT
# Prints the suite's closing line from automake's .trs files:
#   N passed, N failed[, N skipped]
# and exits non-zero when anything failed or errored. Usage: summary.sh BUILDDIR
set -eu
dir=${1:-.}
trs=$(find "$dir/tests" -name '*.trs' 2>/dev/null | sort)
pass=0 fail=0 skip=0
for f in $trs; do
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
	echo "no test results found under $dir/tests" >&2
	fail=1
fi
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
