#!/usr/bin/env bash
# Make sure a Chromium for the browser tests is installed (Debian's package).
set -euo pipefail
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  [ -x "$CHROMIUM" ] && exit 0
fi
cat >&2 <<MSG
The browser tests need Chromium at $CHROMIUM and none is installed.
On Debian or Ubuntu, as root:   apt-get update && apt-get install -y chromium
Or point CHROMIUM at another Chromium binary:   make test CHROMIUM=/path/to/chromium
MSG
exit 1
