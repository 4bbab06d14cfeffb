#!/usr/bin/env bash
# Installs what the end-to-end send test (tests/send_e2e.rs) needs, and jq for
# the [[source]] recipes, only if it is missing: msmtp (a real sendmail-compatible program, from Debian) and
# aiosmtpd (a real SMTP server, from PyPI) that receives the mail on
# 127.0.0.1. Non-interactive and idempotent: a second run installs nothing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

# Root runs it as is; anyone else through sudo, which must not ask for a
# password (-n) and which drops the environment, hence `env`.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n env DEBIAN_FRONTEND=noninteractive "$@"
  else
    echo "install-send-deps: need root or sudo to run: $*" >&2
    return 1
  fi
}

apt_updated=no
apt_install() {
  if [ "$apt_updated" = no ]; then
    as_root apt-get update -qq
    apt_updated=yes
  fi
  as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if ! command -v msmtp >/dev/null 2>&1; then
  apt_install msmtp
fi

# jq: the [[source]] recipes (tests/sources.rs) run through it, as gh's
# --jq does.
if ! command -v jq >/dev/null 2>&1; then
  apt_install jq
fi

# man: the man page is rendered at 80 columns (tests/manpage.rs).
if ! command -v man >/dev/null 2>&1; then
  apt_install man-db
fi

if ! python3 -c 'import aiosmtpd' >/dev/null 2>&1; then
  if ! python3 -m pip --version >/dev/null 2>&1; then
    apt_install python3-pip
  fi
  # A virtualenv or pyenv Python takes a plain install; a system Python
  # takes --user, unless it is "externally managed" (PEP 668), which needs
  # --break-system-packages (pip >= 23.0).
  python3 -m pip install --quiet --disable-pip-version-check aiosmtpd 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --user aiosmtpd 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --user --break-system-packages aiosmtpd \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages aiosmtpd
fi

msmtp --version | head -n 1
jq --version
python3 -c 'import aiosmtpd; print("aiosmtpd", aiosmtpd.__version__)'
