#!/usr/bin/env bash
# Make sure tesseract 5 with English data is installed; install it with apt as root.
set -euo pipefail
# `ensure-tesseract.sh --tesserocr PIP`: also build tesserocr (tesseract in-process:
# the same text as the command, faster) into that environment, against the system's
# libtesseract; as root it installs the build dependencies with apt. Not from the PyPI
# wheel: that bundles another tesseract version, whose text differs. When the build is
# not possible, OCR runs the tesseract command (pytesseract): that is not an error.
if [ "${1:-}" = "--tesserocr" ]; then
  pip="${2:?usage: ensure-tesseract.sh --tesserocr PATH/TO/pip}"
  have_build_deps() {
    command -v pkg-config >/dev/null 2>&1 && pkg-config --exists tesseract lept \
      && command -v g++ >/dev/null 2>&1
  }
  if ! have_build_deps && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing libtesseract-dev libleptonica-dev pkg-config g++ with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    deps=(libtesseract-dev libleptonica-dev pkg-config g++)
    apt-get install -y -qq --no-install-recommends "${deps[@]}" >/dev/null 2>&1 \
      || { apt-get update -qq && apt-get install -y -qq --no-install-recommends \
             "${deps[@]}" >/dev/null 2>&1; } || true
  fi
  if have_build_deps \
      && "$pip" install --quiet --no-binary tesserocr -e '.[ocr]' >/dev/null 2>&1; then
    echo "tesserocr built against libtesseract $(pkg-config --modversion tesseract):" \
      "OCR runs in-process" >&2
  else
    echo "tesserocr not built (needs libtesseract-dev, libleptonica-dev, pkg-config, g++):" \
      "OCR runs the tesseract command" >&2
  fi
  exit 0
fi
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
