#!/bin/sh
# Install Debian's chromium and chromedriver for the browser tests, if they are missing.
# Never downloads a browser build; without root (or sudo) the browser tests skip with a message.
set -e
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
  echo "chromium is not installed and this user cannot install it: browser tests will be skipped" >&2
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
else
  echo "no apt-get here: install chromium yourself; browser tests will be skipped" >&2
fi
