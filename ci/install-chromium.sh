#!/usr/bin/env bash
# Installs headless Chromium (Debian's `chromium`) for the rendering test
# (mail_html::the_html_export_renders_with_its_text_and_table_borders), only
# if it is missing. Needs apt-get and root or password-less sudo.
# Idempotent: a second run installs nothing.
#
# Exit status: 0 installed (or already there); 3 when it cannot be installed
# here (ci/test then skips the test, saying so); anything else is a failure.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n env DEBIAN_FRONTEND=noninteractive "$@"
  else
    return 1
  fi
}

if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1 || ! as_root true; then
    echo "install-chromium: Chromium is not installed and cannot be installed here (needs apt-get and root or password-less sudo)" >&2
    exit 3
  fi
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
(chromium --version 2>/dev/null || chromium-browser --version) | head -n 1
