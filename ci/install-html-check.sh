#!/usr/bin/env bash
# Installs what the mail-client HTML check (tests/mail_html.rs) needs into
# ci/node/node_modules: doiuse-email and caniemail's data, at the versions
# ci/node/package-lock.json pins, from the npm registry. Needs Node.js 18 or
# later with npm; when they are missing it installs Debian's nodejs and npm
# (root or password-less sudo). Idempotent: a second run installs nothing.
#
# Exit status: 0 installed (or already there); 3 when npm is missing and
# cannot be installed here, so the check cannot run (ci/test then skips it,
# saying so); anything else is a failure to look at (a network error, say).
set -euo pipefail
cd "$(dirname "$0")/node"
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

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1 \
    || ! as_root apt-get update -qq \
    || ! as_root apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; then
    echo "install-html-check: Node.js and npm are not installed and cannot be installed here (needs apt-get and root or password-less sudo)" >&2
    exit 3
  fi
fi

if ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 18 ? 0 : 1)'; then
  echo "install-html-check: Node.js $(node --version) is too old; doiuse-email needs 18 or later" >&2
  exit 3
fi

# Installed already, at the locked version: nothing to do.
if node -e '
  const want = require("./package-lock.json").packages["node_modules/@jsx-email/doiuse-email"].version;
  const have = require("@jsx-email/doiuse-email/package.json").version;
  process.exit(want === have ? 0 : 1);
' 2>/dev/null; then
  :
else
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
echo "doiuse-email $(node -p 'require("@jsx-email/doiuse-email/package.json").version'), node $(node --version)"
