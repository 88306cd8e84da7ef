#!/bin/bash
# SPDX-License-Identifier: MIT
# The tracker's orders and filters: sort=created|updated and
# direction=asc|desc on issues and comments order by that timestamp and
# then by id ascending in both directions; issues default to created desc,
# comments to created asc; state=open|closed|all splits the issues.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

R=$TRACKER_REPO
start_tracker sort

# ordered FILE KEY DIR: the records of FILE (one per line) are in order of
# KEY (asc or desc per DIR), ties by id ascending.
ordered() {
	jq -se --arg k "$2" --arg d "$3" '
		[range(1; length) as $i | .[$i - 1] as $a | .[$i] as $b |
			if $a[$k] == $b[$k] then $a.id < $b.id
			elif $d == "asc" then $a[$k] < $b[$k]
			else $a[$k] > $b[$k] end] | all' "$1" >/dev/null
}
# ties FILE KEY: how many records share KEY with the one before them.
ties() {
	jq -s --arg k "$2" '[range(1; length) as $i | select(.[$i - 1][$k] == .[$i][$k])] | length' "$1"
}

for list in issues issues/comments; do
	q=""
	[ "$list" = issues ] && q="state=all&"
	for sort in created updated; do
		for dir in asc desc; do
			follow_next "$SERVER_URL$R/$list?${q}sort=$sort&direction=$dir&per_page=17" "$T/l"
			n=$(wc -l <"$T/l" | tr -d ' ')
			[ "$n" -ge 250 ] || fail "$list sort=$sort direction=$dir: only $n records"
			ordered "$T/l" "${sort}_at" "$dir" ||
				fail "$list sort=$sort direction=$dir is not in order, ties by id ascending"
			[ "$(ties "$T/l" "${sort}_at")" -gt 50 ] ||
				fail "$list sort=$sort: too few ties to test their order"
		done
	done
done

# The defaults: issues created desc, comments created asc.
follow_next "$SERVER_URL$R/issues?state=all&per_page=100" "$T/dflt"
follow_next "$SERVER_URL$R/issues?state=all&per_page=100&sort=created&direction=desc" "$T/explicit"
cmp -s "$T/dflt" "$T/explicit" || fail "issues are not created desc by default"
follow_next "$SERVER_URL$R/issues/comments?per_page=100" "$T/dflt"
follow_next "$SERVER_URL$R/issues/comments?per_page=100&sort=created&direction=asc" "$T/explicit"
cmp -s "$T/dflt" "$T/explicit" || fail "comments are not created asc by default"
# direction alone, sort alone.
follow_next "$SERVER_URL$R/issues?state=all&direction=asc&per_page=100" "$T/l"
ordered "$T/l" created_at asc || fail "issues with direction=asc alone"
follow_next "$SERVER_URL$R/issues?state=all&sort=updated&per_page=100" "$T/l"
ordered "$T/l" updated_at desc || fail "issues with sort=updated alone"

# ------------------------------------------------ state
follow_next "$SERVER_URL$R/issues?state=all&per_page=100" "$T/all"
for st in open closed; do
	follow_next "$SERVER_URL$R/issues?state=$st&per_page=100" "$T/$st"
	jq -e --arg s "$st" '.state == $s' "$T/$st" >/dev/null || fail "state=$st listed another state"
	want=$(jq -s --arg s "$st" 'map(select(.state == $s)) | length' "$T/all")
	assert_eq "$want" "$(wc -l <"$T/$st" | tr -d ' ')" "issues with state=$st"
	[ "$want" -gt 0 ] || fail "no $st issues"
done
follow_next "$SERVER_URL$R/issues?per_page=100" "$T/dflt"
cmp -s "$T/dflt" "$T/open" || fail "the default state is not open"
# Filters and orders combine.
follow_next "$SERVER_URL$R/issues?state=closed&sort=updated&direction=asc&per_page=9" "$T/l"
ordered "$T/l" updated_at asc || fail "closed issues by updated asc"
assert_eq "$(wc -l <"$T/closed" | tr -d ' ')" "$(wc -l <"$T/l" | tr -d ' ')" "closed issues by updated"
exit 0
