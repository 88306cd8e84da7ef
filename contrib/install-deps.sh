#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs every Debian package lakeflowfs needs to build, test and benchmark,
# on a bare Debian 12 machine. Run as root (or through sudo). Idempotent.
set -eu

packages="
  build-essential autoconf automake pkg-config
  libfuse3-dev fuse3
  libcurl4-openssl-dev curl ca-certificates
  libjson-c-dev libcsv-dev libmicrohttpd-dev libsqlite3-dev zlib1g-dev
  jq python3 util-linux procps psmisc valgrind
  clang libclang-rt-14-dev
  python3-pandas
"

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps.sh: must run as root (try: sudo $0)" >&2
	exit 1
fi

missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
