#!/bin/sh
# Install the real programs the tests check output with, from Debian's packages, when they
# are missing: promtool (package prometheus). Needs root for apt-get; otherwise says what to do.
set -eu

missing=""
command -v promtool >/dev/null 2>&1 || missing="$missing prometheus"

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "mac: the tests need these Debian packages:$missing" >&2
    echo "mac: install them as root (apt-get install -y$missing) and run make test again." >&2
    exit 1
fi
echo "mac: installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
