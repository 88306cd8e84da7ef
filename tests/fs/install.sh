#!/bin/bash
# SPDX-License-Identifier: MIT
# make install installs what the README runs: lakeflowfs, the example
# server, their man pages, and lakeflowfs-pull (the cron line runs it from
# the bin directory), executable and working; and the Example source's
# profile with the page of section 5 that documents profiles.
. "$top_srcdir/tests/lib.sh"

make -s -C "$top_builddir" install DESTDIR="$T/inst" >"$T/install.log" 2>&1 ||
	fail "make install: $(tail -n 20 "$T/install.log")"
for prog in lakeflowfs lakeflowfs-example-server lakeflowfs-pull; do
	found=$(find "$T/inst" -path "*/bin/$prog" -type f)
	[ -n "$found" ] || fail "make install did not install $prog"
	[ -x "$found" ] || fail "$found is not executable"
done
find "$T/inst" -name lakeflowfs.1 | grep -q . || fail "make install did not install lakeflowfs.1"
find "$T/inst" -path "*/man5/lakeflowfs-profile.5" | grep -q . ||
	fail "make install did not install lakeflowfs-profile.5"
profile=$(find "$T/inst" -path "*/lakeflowfs/profiles/example.json" -type f)
[ -n "$profile" ] || fail "make install did not install profiles/example.json"
cmp -s "$profile" "$top_srcdir/profiles/example.json" ||
	fail "the installed example.json differs from profiles/example.json"
pull=$(find "$T/inst" -path "*/bin/lakeflowfs-pull" -type f)
rc=0
"$pull" >"$T/pull.out" 2>&1 || rc=$?
assert_eq 2 "$rc" "exit status of lakeflowfs-pull without arguments"
assert_contains "$(cat "$T/pull.out")" "usage: lakeflowfs-pull" "its usage line"
