#!/bin/sh
# Install the real programs the tests check output with, from Debian's packages, when they
# are missing: promtool (prometheus), the exporters and the services they watch (the metric
# catalog is read from them). Needs root for apt-get; otherwise says what to do.
set -eu

need() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] || missing="$missing $2"; }
missing=""
need promtool prometheus
need amtool prometheus-alertmanager
need prometheus-node-exporter prometheus-node-exporter
need prometheus-postgres-exporter prometheus-postgres-exporter
need prometheus-redis-exporter prometheus-redis-exporter
need prometheus-nginx-exporter prometheus-nginx-exporter
need /usr/lib/postgresql/15/bin/initdb postgresql-15
need redis-server redis-server
need nginx nginx
need chromium chromium
need victoria-metrics victoria-metrics
need vmalert victoria-metrics

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
# The packages start their services; the tests start their own on loopback ports.
for service in prometheus prometheus-alertmanager prometheus-node-exporter prometheus-postgres-exporter prometheus-redis-exporter \
               prometheus-nginx-exporter postgresql redis-server nginx victoria-metrics; do
    if command -v systemctl >/dev/null 2>&1; then systemctl stop "$service" >/dev/null 2>&1 || true; fi
done
