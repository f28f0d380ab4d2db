#!/usr/bin/env bash
# Make sure tesseract 5 with English data is installed; install it with apt as root.
set -euo pipefail
have_tesseract() {
  command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx eng
}
if have_tesseract; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing tesseract-ocr tesseract-ocr-eng with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends tesseract-ocr tesseract-ocr-eng >/dev/null
  have_tesseract && exit 0
fi
cat >&2 <<'MSG'
tesseract OCR (version 4 or newer, with English data) is required and is not installed.
Install it, then run make again:
  Debian/Ubuntu:  sudo apt-get install tesseract-ocr tesseract-ocr-eng
  Fedora:         sudo dnf install tesseract tesseract-langpack-eng
  macOS:          brew install tesseract
MSG
exit 1
