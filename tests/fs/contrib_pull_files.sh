#!/bin/bash
# SPDX-License-Identifier: MIT
# lakeflowfs-pull --files copies each new batch of changes/ and deletes/ as
# a file of its own, under its own name, into OUT/OBJECT/{changes,deletes}/
# with schema.json and metadata.json beside them: the same names and bytes
# as the mount, modification times ascending in stream order, never a
# visible partial file, each batch exactly once, also after a run killed
# before a file's rename and one killed between the rename and the save of
# its token.
. "$top_srcdir/tests/lib.sh"
need_fuse

PULL=$top_srcdir/contrib/examples/lakeflowfs-pull
start_server api --error-rate 0 --quiet
printf secret >"$T/pw"
chmod 600 "$T/pw"
M=$T/mnt
S=$T/state
O=$T/out
mount_fs "$M" -o "url=$SERVER_URL,username=tester,password_file=$T/pw,cache_dir=$T/cache,refresh=1"

run() {
	"$PULL" --files "$M" orders "$S" "$O" >"$T/run.out" 2>"$T/run.err" ||
		fail "lakeflowfs-pull --files exited $?: $(cat "$T/run.err")"
}
post() {
	api_write -X POST -H 'Content-Type: application/json' \
		-d "{\"order_id\":\"order_90$1\",\"user_id\":\"user_0001\",\"amount\":$1,\"status\":\"pending\",\"updated_at\":null}" \
		/tables/orders/records >/dev/null
	api_write -X DELETE "/tables/orders/records/order_001$1" >/dev/null
}
# same KIND: OUT holds exactly the mount's batches of KIND, byte for byte.
same() {
	ls "$M/orders/$1" | grep '\.jsonl$' >"$T/m.ls"
	ls -a "$O/orders/$1" | grep -v '^\.\.\?$' >"$T/o.ls"
	cmp -s "$T/m.ls" "$T/o.ls" || fail "$1: the copy's files differ from the mount's: $(diff "$T/m.ls" "$T/o.ls")"
	while read -r f; do
		cmp -s "$M/orders/$1/$f" "$O/orders/$1/$f" || fail "$1/$f differs from the mount's"
	done <"$T/m.ls"
}
# Fault injection: a shim for mv, armed by a trigger file holding the
# suffix of the target to die at; the run is its own process group.
mkdir -p "$T/shim"
real_mv=$(command -v mv)
cat >"$T/shim/mv" <<EOF2
#!/bin/bash
if [ -e "$T/arm-mv" ]; then
	case \${*: -1} in
	*\$(cat "$T/arm-mv")) rm -f "$T/arm-mv"; kill -9 0 ;;
	esac
fi
exec "$real_mv" "\$@"
EOF2
chmod +x "$T/shim/mv"
killed_run() {
	(PATH=$T/shim:$PATH setsid -w "$PULL" --files "$M" orders "$S" "$O" >/dev/null 2>&1
	echo $? >"$T/rc") 2>/dev/null
}

run
assert_contains "$(cat "$T/run.out")" "orders/changes: 1 new batch files" "the first run's report"
cmp -s "$M/orders/schema.json" "$O/orders/schema.json" || fail "schema.json was not copied"
cmp -s "$M/orders/metadata.json" "$O/orders/metadata.json" || fail "metadata.json was not copied"
first=$(ls "$O/orders/changes")
stamp0=$(stat -c '%i %.9Y' "$O/orders/changes/$first")

# New batches: only they are copied; the old file is left as it was.
post 1
sleep 1.2
run
same changes
same deletes
assert_eq "$stamp0" "$(stat -c '%i %.9Y' "$O/orders/changes/$first")" "the first batch file after a second run"

# killed_at ROUND SUFFIX WHAT: after new writes, a run killed at its first
# mv onto a name ending in SUFFIX keeps the old state.
killed_at() {
	post "$1"
	sleep 1.2
	state0=$(cat "$S/orders-changes.files.state")
	printf '%s' "$2" >"$T/arm-mv"
	killed_run
	assert_eq 137 "$(cat "$T/rc")" "exit status of the run killed $3"
	assert_eq "$state0" "$(cat "$S/orders-changes.files.state")" "state after the run killed $3"
}
# Killed before renaming a batch into place: only a hidden temporary file
# is left; the next run copies the batch once.
killed_at 2 .jsonl "before a rename"
ls -a "$O/orders/changes" | grep -q '\.part$' || fail "the killed run left no temporary file"
if ls "$O/orders/changes" | grep -q part; then
	fail "a temporary file is visible to Spark and Auto Loader (no leading dot)"
fi
run
same changes
same deletes
# Killed after the rename, before saving the token: the next run keeps the
# file it finds identical and copies nothing twice.
killed_at 3 changes.files.state "before saving a token"
run
same changes
same deletes

# Stream order: names sort as the mount sorts them, and so do the times.
prev=0
for f in $(ls "$O/orders/changes"); do
	t=$(stat -c %.9Y "$O/orders/changes/$f")
	awk -v a="$prev" -v b="$t" 'BEGIN { exit !(b >= a) }' ||
		fail "$f is older than the batch before it ($t < $prev)"
	prev=$t
done
[ "$(ls "$O/orders/changes" | wc -l)" -ge 4 ] || fail "fewer batches than runs with changes"

# The copy reads like the mount: autoloader.py plans its stream from it.
/usr/bin/python3 "$top_srcdir/contrib/examples/autoloader.py" "$O" orders "$T/target" \
	--mode merge --dry-run >"$T/plan.json" || fail "autoloader.py --dry-run on the copy"
jq -e --arg c "file://$O/orders/changes/" --arg d "file://$O/orders/deletes/" \
	'.paths.changes == $c and .paths.deletes == $d' "$T/plan.json" >/dev/null ||
	fail "autoloader.py's plan for the copy: $(cat "$T/plan.json")"
