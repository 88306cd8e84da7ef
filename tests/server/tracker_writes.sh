#!/bin/bash
# SPDX-License-Identifier: MIT
# Writes on the tracker move records: a new issue (201) is created and
# updated now, by the token's user, last in updated order and first in the
# default list; an edit sets updated_at (and closed_at on closing) and moves
# the issue; a new comment moves its issue too. A reader that asks again
# with since = the newest updated_at it saw (inclusive) and drops the
# records it already has at that second ends with every issue at its
# latest updated_at, none twice, ties and all. Bad writes are refused and
# change nothing.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

R=$TRACKER_REPO
start_tracker writes
J='Content-Type: application/json'

# write CODE METHOD PATH JSON: sets REC to the record answered.
write() {
	expect_code "$1" "$2" "$3" -H "$J" -d "$4"
	REC=$(printf '%s' "$HTTP_BODY" | jq -c .)
}
rec() { printf '%s' "$REC" | jq -r "$1"; }
# issues_by_updated: every issue by updated asc, into $T/upd.
issues_by_updated() {
	follow_next "$SERVER_URL$R/issues?state=all&sort=updated&direction=asc&per_page=100" "$T/upd"
}
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

issues_by_updated
cursor=$(tail -n 1 "$T/upd" | jq -r .updated_at)

# ------------------------------------------------ create
t0=$(now)
write 201 POST "$R/issues" '{"title":"Widget wobbles","body":"It \"wobbles\".\nA lot.","labels":["bug"]}'
t1=$(now)
printf '%s' "$REC" | jq -e '.number == 251 and .id == 3000000750 and .title == "Widget wobbles" and
	.body == "It \"wobbles\".\nA lot." and .state == "open" and
	.user == {"login": "acme-bot", "id": 1000} and .milestone == null and
	.closed_at == null and .created_at == .updated_at' >/dev/null ||
	fail "the new issue: $REC"
u=$(rec .updated_at)
[[ "$u" > "$t0" || "$u" == "$t0" ]] && [[ "$u" < "$t1" || "$u" == "$t1" ]] ||
	fail "the new issue's updated_at $u is not between $t0 and $t1"
[[ "$u" > "$cursor" || "$u" == "$cursor" ]] || fail "a write ($u) went before the data ($cursor)"
expect_code 200 GET "$R/issues"
assert_eq 251 "$(printf '%s' "$HTTP_BODY" | jq '.[0].number')" "first issue of the default list"
issues_by_updated
assert_eq 251 "$(tail -n 1 "$T/upd" | jq .number)" "last issue by updated"
write 201 POST "$R/issues" '{"title":"No body"}'
printf '%s' "$REC" | jq -e '.number == 252 and .body == null' >/dev/null || fail "an issue without a body: $REC"

# ------------------------------------------------ edit, close, reopen
# ends_with N: issue N is in the last tie group of updated asc, and any
# after it have larger numbers.
ends_with() {
	issues_by_updated
	jq -se --argjson n "$1" '
		(map(.number) | index($n)) as $i | $i != null and
		(.[$i].updated_at as $u | .[$i:] | all(.updated_at == $u)) and
		(.[$i + 1:] | all(.number > $n))' "$T/upd" >/dev/null ||
		fail "issue $1 is not last by updated: $(tail -n 3 "$T/upd" | jq -c '[.number, .updated_at]' | tr '\n' ' ')"
}
before=$(rec .updated_at)
write 200 PATCH "$R/issues/1" '{"title":"Renamed"}'
printf '%s' "$REC" | jq -e --arg b "$before" '.number == 1 and .title == "Renamed" and .updated_at >= $b and
	.created_at < .updated_at' >/dev/null || fail "the edited issue 1: $REC"
ends_with 1
write 200 PATCH "$R/issues/2" '{"state":"closed"}'
printf '%s' "$REC" | jq -e '.state == "closed" and .closed_at == .updated_at' >/dev/null ||
	fail "issue 2 closed: $REC"
closed_at=$(rec .closed_at)
ends_with 2
follow_next "$SERVER_URL$R/issues?per_page=100" "$T/open"
jq -e 'select(.number == 2)' "$T/open" >/dev/null && fail "issue 2 is still listed as open"
follow_next "$SERVER_URL$R/issues?state=closed&per_page=100" "$T/closed"
jq -se 'any(.[]; .number == 2)' "$T/closed" >/dev/null || fail "issue 2 is not listed as closed"
# Closing it again keeps closed_at; an empty edit still moves the issue.
write 200 PATCH "$R/issues/2" '{"state":"closed","body":null}'
printf '%s' "$REC" | jq -e --arg c "$closed_at" '.closed_at == $c and .body == null' >/dev/null ||
	fail "issue 2 closed twice: $REC"
write 200 PATCH "$R/issues/7" '{}'
ends_with 7
write 200 PATCH "$R/issues/2" '{"state":"open","body":"back"}'
printf '%s' "$REC" | jq -e '.state == "open" and .closed_at == null and .body == "back"' >/dev/null ||
	fail "issue 2 reopened: $REC"

# ------------------------------------------------ comments move their issue
write 201 POST "$R/issues/3/comments" '{"body":"Me too"}'
printf '%s' "$REC" | jq -e '.issue_number == 3 and .body == "Me too" and .id == 5000001200 and
	.user.login == "acme-bot" and .created_at == .updated_at' >/dev/null ||
	fail "the new comment: $REC"
c_at=$(rec .created_at)
cid=$(rec .id)
ends_with 3
assert_eq "$c_at" "$(jq -r 'select(.number == 3) | .updated_at' "$T/upd")" "issue 3's updated_at after a comment"
follow_next "$SERVER_URL$R/issues/comments?sort=updated&per_page=100" "$T/cm"
assert_eq "$cid" "$(tail -n 1 "$T/cm" | jq .id)" "the new comment last by updated"
write 200 PATCH "$R/issues/comments/5000000010" '{"body":"Edited"}'
printf '%s' "$REC" | jq -e '.id == 5000000010 and .body == "Edited" and .updated_at > .created_at' >/dev/null ||
	fail "the edited comment: $REC"
follow_next "$SERVER_URL$R/issues/comments?sort=updated&direction=asc&per_page=100" "$T/cm"
tail -n 2 "$T/cm" | jq -se 'map(.id) | index(5000000010) != null' >/dev/null ||
	fail "the edited comment is not among the last by updated"

# ------------------------------------------------ exactly once, with since
# A reader keeps the newest updated_at it has seen and the ids it saw at
# that second; each round it asks since that second (inclusive) and keeps
# what is new. After every round of writes it must have seen each write.
declare -A latest
cursor=""
seen_at_cursor=""
read_changes() {
	_q="state=all&sort=updated&direction=asc&per_page=5"
	[ -n "$cursor" ] && _q="$_q&since=$cursor"
	follow_next "$SERVER_URL$R/issues?$_q" "$T/changes"
	while read -r line; do
		id=$(printf '%s' "$line" | jq -r .id)
		at=$(printf '%s' "$line" | jq -r .updated_at)
		if [ "$at" = "$cursor" ] && [[ " $seen_at_cursor " == *" $id "* ]]; then
			continue # already seen: same second, same record
		fi
		[ "${latest[$id]:-}" != "$at" ] || fail "record $id at $at delivered twice"
		latest[$id]=$at
		if [ "$at" != "$cursor" ]; then
			cursor=$at
			seen_at_cursor=""
		fi
		seen_at_cursor="$seen_at_cursor $id"
	done <"$T/changes"
}
read_changes
assert_eq 252 "${#latest[@]}" "issues seen by the first read"
for round in 1 2 3 4; do
	written=""
	for k in 1 2 3; do
		n=$(((round * 7 + k * 31) % 252 + 1))
		write 200 PATCH "$R/issues/$n" "{\"title\":\"round $round edit $k\"}"
		written="$written $n:$(rec .updated_at)"
	done
	write 201 POST "$R/issues" "{\"title\":\"round $round\"}"
	written="$written $(rec .number):$(rec .updated_at)"
	read_changes
	for w in $written; do
		id=$((3000000000 + 3 * (${w%%:*} - 1)))
		# The reader holds the record's latest version, or a later one.
		[[ "${latest[$id]:-}" > "${w#*:}" || "${latest[$id]:-}" == "${w#*:}" ]] ||
			fail "round $round: the write to issue ${w%%:*} at ${w#*:} was missed (reader has ${latest[$id]:-nothing})"
	done
done
# And the reader's view is the server's.
issues_by_updated
jq -r '"\(.id) \(.updated_at)"' "$T/upd" | sort >"$T/server_view"
for id in "${!latest[@]}"; do echo "$id ${latest[$id]}"; done | sort >"$T/reader_view"
cmp -s "$T/server_view" "$T/reader_view" || fail "the reader's view differs from the server's: $(diff "$T/server_view" "$T/reader_view" | head -n 5)"

# ------------------------------------------------ bad writes change nothing
count_before=$(wc -l <"$T/upd" | tr -d ' ')
last_before=$(tail -n 1 "$T/upd")
expect_code 400 POST "$R/issues" -H "$J" -d '{"title":'
assert_eq '{"message":"Problems parsing JSON"}' "$HTTP_BODY" "a body that is not JSON"
expect_code 400 POST "$R/issues" -H "$J" -d '{"title":"x"} trailing'
expect_code 422 POST "$R/issues" -H "$J" -d '[{"title":"x"}]'
expect_code 422 POST "$R/issues" -H "$J" -d '{"body":"no title"}'
expect_code 422 POST "$R/issues" -H "$J" -d '{"title":""}'
expect_code 422 POST "$R/issues" -H "$J" -d '{"title":null}'
expect_code 422 POST "$R/issues" -H "$J" -d "{\"title\":\"$(head -c 257 /dev/zero | tr '\0' t)\"}"
expect_code 422 POST "$R/issues" -H "$J" -d "{\"title\":\"t\",\"body\":\"$(head -c 65537 /dev/zero | tr '\0' b)\"}"
expect_code 422 PATCH "$R/issues/5" -H "$J" -d '{"state":"deleted"}'
expect_code 422 PATCH "$R/issues/5" -H "$J" -d '{"title":5}'
expect_code 404 PATCH "$R/issues/9999" -H "$J" -d '{"title":"x"}'
expect_code 404 POST "$R/issues/9999/comments" -H "$J" -d '{"body":"x"}'
expect_code 422 POST "$R/issues/5/comments" -H "$J" -d '{"text":"x"}'
expect_code 422 PATCH "$R/issues/comments/$cid" -H "$J" -d '{"body":""}'
head -c 1100000 /dev/zero | tr '\0' a | sed 's/^/{"title":"/; s/$/"}/' >"$T/big.json"
expect_code 413 POST "$R/issues" -H "$J" --data-binary @"$T/big.json"
issues_by_updated
assert_eq "$count_before" "$(wc -l <"$T/upd" | tr -d ' ')" "issues after refused writes"
assert_eq "$last_before" "$(tail -n 1 "$T/upd")" "the last issue after refused writes"
exit 0
