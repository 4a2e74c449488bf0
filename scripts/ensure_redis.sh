#!/usr/bin/env bash
# Make sure Debian's redis-server is installed for the two-server test
# (tests/test_two_servers.py starts its own on a free loopback port; none is left running).
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's redis-server for the two-server test..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # the package's own service is not wanted: the test starts the server it needs
  apt-get install -y -qq --no-install-recommends redis-server >/dev/null
  command -v systemctl >/dev/null 2>&1 && systemctl disable --now redis-server >/dev/null 2>&1 || true
  command -v redis-server >/dev/null 2>&1 && exit 0
fi
cat >&2 <<MSG
The two-server test needs Debian's redis-server and none is installed.
On Debian or Ubuntu, as root:   apt-get update && apt-get install -y redis-server
MSG
exit 1
