#!/usr/bin/env bash
# The report test renders report.html in a real headless Chromium; install it as root.
set -euo pipefail
have() { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
         || [ -n "${DENIALS_CHROMIUM:-}" ]; }
if have; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing chromium fonts-dejavu-core with apt-get (report test)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  have && exit 0
fi
echo "Chromium is needed by the report test: apt-get install chromium (Debian), or set" \
     "DENIALS_CHROMIUM to a Chrome/Chromium binary" >&2
exit 1
