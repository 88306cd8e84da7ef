#!/bin/bash
# SPDX-License-Identifier: MIT
# Walking the tree downloads nothing: every listing carries file types, so
# find -type f, Python's os.walk, ls -R and a colouring ls whose colours do
# not depend on mode bits never stat a data file, and a stat of a data file
# is the only thing that would fetch its records.
# 1. A mount of snapshot objects only (no changes/ to refresh): the walks
#    make no record request at all.
# 2. A default mount: listing changes/ and deletes/ refreshes them by
#    design, but no snapshot or sample file is ever made.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0
printf 'secret\n' >"$T/pw"
chmod 600 "$T/pw"
opts="url=$SERVER_URL,username=tester,password_file=$T/pw"

records() { grep -c "/records" "$T/api.log"; }

# walk MNT: every walker, each checking it saw the data files as files.
walk() {
	find "$1" -type f >"$T/find.out" || fail "find $1"
	grep -q '/snapshot\.jsonl$' "$T/find.out" || fail "find -type f saw no snapshot.jsonl: $(cat "$T/find.out")"
	/usr/bin/python3 - "$1" <<'EOF' || fail "os.walk $1"
import os, sys
files = [os.path.join(r, f) for r, _, fs in os.walk(sys.argv[1]) for f in fs]
assert any(f.endswith("/snapshot.csv") for f in files), files
EOF
	ls -R "$1" >/dev/null || fail "ls -R $1"
	# Colours by name and type only: ls has no reason to stat a file.
	LS_COLORS='di=01;34:ex=00:su=00:sg=00:ca=00:*.jsonl=01;33' \
		ls --color=always "$1"/* >"$T/ls.out" || fail "ls --color $1"
	grep -q 'snapshot' "$T/ls.out" || fail "ls --color listed no data file"
}

# 1. Snapshot objects only: not one record request.
cat >"$T/spec.json" <<'EOF'
{"pipeline_spec": {"connection_name": "x", "object": [
  {"table": {"source_table": "products"}},
  {"table": {"source_table": "products", "destination_table": "books",
             "table_configuration": {"category": "books"}}}]}}
EOF
M=$T/mnt
mount_fs "$M" -o "$opts,cache_dir=$T/cache1,spec=$T/spec.json"
grep -q "GET /tables 200" "$T/api.log" || fail "the server log shows no requests"
before=$(records)
walk "$M"
walk "$M"
assert_eq "$before" "$(records)" "record requests made by walking a snapshot-only mount"
jq -e '.cache.misses == 0 and .fetches == []' "$M/_status.json" >/dev/null ||
	fail "the walk made files: $(cat "$M/_status.json")"
unmount_fs "$M"

# 2. Every object: changes/ and deletes/ are refreshed (that is what
# listing them means), but no snapshot, CSV or sample is made.
mount_fs "$M" -o "$opts,cache_dir=$T/cache2"
walk "$M"
made=$(find "$T/cache2" -name 'snapshot.*' -o -name 'sample.*')
assert_eq "" "$made" "data files made by walking the default mount"
[ "$(find "$T/cache2" -path '*/changes/*.jsonl' | wc -l)" -gt 0 ] ||
	fail "the walk did not list changes/ (no batch in the cache)"
unmount_fs "$M"
