#!/usr/bin/env bash
# Install what the browser tests (tests/browser) need: Debian's Chromium and CJK fonts, so pages in
# Chinese render. Playwright's own browser download is not used (it is not reachable everywhere);
# the tests drive /usr/bin/chromium. Idempotent: does nothing when Chromium is already there.
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  echo "==> Chromium is installed ($CHROMIUM)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "The browser tests need Chromium at $CHROMIUM and there is no apt-get here to install it." >&2
  echo "Install Chromium and CJK fonts with your package manager (e.g. chromium, noto-fonts-cjk)," >&2
  echo "set CHROMIUM=/path/to/chromium, or skip them with: .venv/bin/pytest -m 'not browser'" >&2
  exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "installing Chromium needs root (or sudo)" >&2; exit 1; }
  sudo=(sudo)
fi
echo "==> installing Chromium and CJK fonts for the browser tests (apt-get, ~400 MB)"
export DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes
"${sudo[@]}" apt-get update -q >/dev/null
"${sudo[@]}" apt-get install -y -q --no-install-recommends chromium fonts-noto-cjk >/dev/null
[ -x "$CHROMIUM" ] || { echo "apt-get ran but $CHROMIUM is still missing" >&2; exit 1; }
echo "==> $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM installed")"
