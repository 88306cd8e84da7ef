#!/bin/bash
# SPDX-License-Identifier: MIT
# A cdc table whose source names no primary keys (tests/fs/badserver.py
# with metadata of a cursor field only) mounts all the same: the mount warns
# that it has no current.jsonl and says how to name the keys, and changes/
# reads as usual. With primary_keys in the spec, current.jsonl is there and
# equals the model of the rules.
. "$top_srcdir/tests/lib.sh"
need_fuse

PY=/usr/bin/python3
export top_srcdir

rm -f "$T/bad.port"
$PY "$top_srcdir/tests/fs/badserver.py" --port-file "$T/bad.port" \
	--metadata '{"cursor_field": "updated_at"}' 2>"$T/bad.log" &
SERVER_PID=$!
SERVER_PIDS="$SERVER_PIDS $SERVER_PID"
wait_for_file "$T/bad.port" 20 "$SERVER_PID"
SERVER_URL="http://127.0.0.1:$(cat "$T/bad.port")"
printf secret >"$T/pw"
chmod 600 "$T/pw"
M=$T/mnt
mnt() {
	mount_fs "$M" -o "url=$SERVER_URL,username=tester,password_file=$T/pw" \
		-o cache_dir="$T/cache",refresh=0 "$@"
}

mnt
grep -q "users: no current.jsonl: .*key columns.*primary_keys" "$T/daemon.log" ||
	fail "no warning that users has no current.jsonl: $(grep -i warn "$T/daemon.log")"
ls "$M/users" | grep -q '^current' && fail "users lists $(ls "$M/users" | grep '^current')"
[ -e "$M/users/current.jsonl" ] && fail "users has current.jsonl without keys"
assert_eq 37 "$(cat "$M"/users/changes/*.jsonl | wc -l)" "records of users/changes/"
unmount_fs "$M"

cat >"$T/spec.json" <<'EOF'
{"pipeline_spec": {"object": [{"table": {"source_table": "users",
  "table_configuration": {"primary_keys": ["user_id"]}}}]}}
EOF
mnt -o spec="$T/spec.json"
$PY "$top_srcdir/tests/fs/table_model.py" check "$M" users >"$T/check.out" 2>&1 ||
	fail "with primary_keys in the spec: $(cat "$T/check.out")"
assert_eq "users: 37 rows, 0 versions" "$(cat "$T/check.out")" "the model's table"
grep "lakeflowfs: error:" "$T/daemon.log" && fail "the daemon logged errors"
exit 0
