#!/bin/bash
# SPDX-License-Identifier: MIT
# Secrets and exposure: the password never appears in the daemon's argv or
# environment, its log (with -o debug, through retries), any file of the
# mount or any file of cache_dir; -o password=... is refused without echoing
# it; a password file readable by others draws a warning; the mount is
# read-only and not shared with other users (no allow_other); the example
# server listens on 127.0.0.1 by default and refuses requests without
# credentials.
. "$top_srcdir/tests/lib.sh"
need_fuse

PW="Zq8-pw-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')-Kv3"
CREDS="tester:$PW"

# The example server: loopback by default, 401 without credentials.
start_server api --error-rate 0.3 --seed 5
assert_eq "listening on http://127.0.0.1:$SERVER_PORT" "$(head -n 1 "$T/api.log")" "the server's listening line"
# And the kernel agrees: the one listening socket on the port is loopback's.
port_hex=$(printf '%04X' "$SERVER_PORT")
assert_eq "0100007F:$port_hex" \
	"$(awk -v p=":$port_hex" '$4 == "0A" && substr($2, length($2) - 4) == p {print $2}' /proc/net/tcp /proc/net/tcp6 | xargs)" \
	"the listening socket of the server"
for _ in $(seq 20); do
	code=$(curl -s -o "$T/noauth" -w '%{http_code}' "$SERVER_URL/tables/orders/records")
	case $code in 429 | 500 | 503) continue ;; esac
	break
done
assert_eq 401 "$code" "a request without credentials"
for _ in $(seq 20); do
	code=$(curl -s -o /dev/null -w '%{http_code}' -u "tester:" "$SERVER_URL/tables")
	case $code in 429 | 500 | 503) continue ;; esac
	break
done
assert_eq 401 "$code" "a request with an empty password"

unset LAKEFLOWFS_USERNAME LAKEFLOWFS_PASSWORD
M=$T/mnt
C=$T/cache
mkdir -p "$M"

# -o password=... is refused, and the refusal does not repeat it.
status=0
timeout 30 "$LAKEFLOWFS" "$M" -f -o "url=$SERVER_URL,username=tester,password=$PW,cache_dir=$C" >"$T/refused" 2>&1 || status=$?
mountpoint -q "$M" && { fusermount3 -u "$M"; fail "mounted with -o password"; }
[ "$status" -ne 0 ] && [ "$status" -ne 124 ] || fail "-o password=: exit status $status"
grep -qi password "$T/refused" || fail "the refusal does not say why: $(cat "$T/refused")"
grep -qF -- "$PW" "$T/refused" && fail "the refusal repeats the password"

# A password file readable by others draws a warning; 0600 does not.
printf '%s\n' "$PW" >"$T/pw"
chmod 644 "$T/pw"
opts="url=$SERVER_URL,username=tester,password_file=$T/pw,cache_dir=$C,retries=20,debug"
mount_fs "$M" -o "$opts"
grep -q "password_file $T/pw is readable by others" "$T/daemon.log" || fail "no warning for a password file readable by others"
unmount_fs "$M"
chmod 600 "$T/pw"
: >"$T/daemon.log"
mount_fs "$M" -o "$opts"
grep -q "readable by others" "$T/daemon.log" && fail "a warning for a 0600 password file"

# Read everything: data files, chains, control files.
find "$M" -type f >"$T/files" || fail "find over the mount"
for d in "$M"/*/changes "$M"/*/deletes; do
	ls "$d" >/dev/null || fail "ls $d"
done
find "$M" -type f -exec cat {} + >"$T/all" || fail "reading every file"
[ "$(wc -c <"$T/all")" -gt 10000 ] || fail "read only $(wc -c <"$T/all") bytes from the mount"
grep -Eq 'GET .*: HTTP (429|500|503), .*attempt 1/' "$T/daemon.log" ||
	fail "no retried attempt was logged with -o debug: the log is not exercised"

grep -qF -- "$PW" "$T/all" && fail "the password is in a file of the mount: $(grep -rlF -- "$PW" "$M")"
grep -qF -- "$PW" /proc/"$DAEMON_PID"/cmdline && fail "the password is in the daemon's argv"
grep -qF -- "$PW" /proc/"$DAEMON_PID"/environ && fail "the password is in the daemon's environment"
grep -rlF -- "$PW" "$C" && fail "the password is in cache_dir"
grep -qF -- "$PW" "$T/daemon.log" && fail "the password is in the daemon's log: $(grep -F -- "$PW" "$T/daemon.log" | head -n 2)"
# Nor its Basic auth form.
B64=$(printf 'tester:%s' "$PW" | base64 -w0)
grep -rqF -- "$B64" "$T/daemon.log" "$T/all" "$C" && fail "the Basic auth header leaked"

# Read-only, and not shared with other users.
line=$(awk -v m="$M" '$2 == m' /proc/mounts)
[ -n "$line" ] || fail "$M is not in /proc/mounts"
opts_field=$(echo "$line" | awk '{print $4}')
case ,$opts_field, in *,ro,*) ;; *) fail "the mount is not ro: $opts_field" ;; esac
case ,$opts_field, in *allow_other*) fail "the mount allows other users: $opts_field" ;; esac
echo x 2>"$T/w.err" >>"$M/orders/snapshot.jsonl" && fail "appending to a file succeeded"
assert_contains "$(cat "$T/w.err")" "Read-only file system" "appending to a file"
touch "$M/orders/new" 2>"$T/w.err" && fail "creating a file succeeded"
assert_contains "$(cat "$T/w.err")" "Read-only file system" "creating a file"
rm -f "$M/orders/schema.json" 2>/dev/null
[ -e "$M/orders/schema.json" ] || fail "rm removed schema.json"
mv "$M/orders/metadata.json" "$M/orders/x.json" 2>/dev/null && fail "rename succeeded"
chmod 666 "$M/tables" 2>/dev/null && fail "chmod succeeded"
mkdir "$M/orders/d" 2>/dev/null && fail "mkdir succeeded"
unmount_fs "$M"
