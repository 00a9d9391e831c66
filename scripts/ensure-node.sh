#!/bin/sh
# npm installs the preview's browser library (uPlot) from the npm registry. Install Node.js
# and npm from Debian's packages when they are missing; needs root for apt-get.
set -eu
command -v npm >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "mac: make build needs npm (for the preview's uPlot): install Node.js and npm (apt-get install -y nodejs npm) and run make again." >&2
    exit 1
fi
echo "mac: installing Debian packages: nodejs npm"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
