#!/usr/bin/env bash
# Make sure wrk (the HTTP load generator for the load run) is installed: Debian's package.
set -euo pipefail
WRK="${WRK:-wrk}"
if command -v "$WRK" >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's wrk for the load run..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq wrk >/dev/null
  command -v "$WRK" >/dev/null 2>&1 && exit 0
fi
cat >&2 <<MSG
The load run needs wrk (an HTTP benchmarking tool) and none is installed.
On Debian or Ubuntu, as root:   apt-get update && apt-get install -y wrk
Or point WRK at another wrk binary:   make bench WRK=/path/to/wrk
Or measure pages only, without the load run:   make bench BENCH_ARGS=--no-load
MSG
exit 1
