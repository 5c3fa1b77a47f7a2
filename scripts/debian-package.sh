#!/usr/bin/env bash
# Installs the Debian packages named that are missing, with apt-get (as root); idempotent, quiet
# when everything is there. Tests and .ci/run use it for chromium and postgresql, so that
# `npm test` on a fresh machine needs nothing installed by hand.
# Usage: debian-package.sh NAME...
set -euo pipefail
missing=()
for name in "$@"; do
  dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "install ok installed" || missing+=("$name")
done
((${#missing[@]} == 0)) && exit 0
if ((EUID != 0)) || ! command -v apt-get >/dev/null 2>&1; then
  echo "missing Debian packages: ${missing[*]}: install them (apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "installing Debian packages: ${missing[*]}" >&2
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
