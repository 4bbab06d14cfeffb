#!/usr/bin/env bash
# Installs what the end-to-end send test needs, only if it is missing:
# msmtp (a real sendmail-compatible program, from Debian) and aiosmtpd (a real
# SMTP server, from PyPI) for the test to receive the mail on 127.0.0.1.
# Non-interactive and idempotent.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

if ! command -v msmtp >/dev/null 2>&1; then
  sudo_if_needed apt-get update -qq
  sudo_if_needed apt-get install -y -qq msmtp >/dev/null
fi

if ! python3 -c 'import aiosmtpd' >/dev/null 2>&1; then
  python3 -m pip install --quiet aiosmtpd \
    || python3 -m pip install --quiet --user aiosmtpd \
    || python3 -m pip install --quiet --break-system-packages aiosmtpd
fi

msmtp --version | head -n 1
python3 -c 'import aiosmtpd; print("aiosmtpd", aiosmtpd.__version__)'
