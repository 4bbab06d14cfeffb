#!/usr/bin/env bash
# Measures release profiles for BENCHMARKS.md's "Release profile" section:
# for each, a cold `cargo build --release --locked` in a fresh target dir
# (GNU time: wall and CPU seconds), the load average before and after, and
# the size of the binary. Prints one Markdown table row per profile. The
# profiles are set through CARGO_PROFILE_RELEASE_* variables, so Cargo.toml
# is not edited; `current` is what Cargo.toml says now.
#
#   bench/release_profile.sh                 # every profile below
#   bench/release_profile.sh current fat     # only those
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }

declare -A PROFILES=(
  [current]=""
  [default]="CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_STRIP=none"
  [strip]="CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_STRIP=symbols"
  [thin]="CARGO_PROFILE_RELEASE_LTO=thin CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_STRIP=symbols"
  [fat]="CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 CARGO_PROFILE_RELEASE_STRIP=symbols"
)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(default strip thin fat current)

echo "| profile | binary | cold build, wall | cold build, CPU (user + sys) | load before → after |"
echo "| --- | --- | --- | --- | --- |"
for name in "${names[@]}"; do
  [ -n "${PROFILES[$name]+x}" ] || { echo "unknown profile $name" >&2; exit 2; }
  dir=$(mktemp -d)
  before=$(cut -d' ' -f1 /proc/loadavg)
  # shellcheck disable=SC2086
  env ${PROFILES[$name]} CARGO_TARGET_DIR="$dir" /usr/bin/time -o "$dir/time" -f "%e %U %S" \
    cargo build --release --locked -q
  after=$(cut -d' ' -f1 /proc/loadavg)
  read -r wall user sys < "$dir/time"
  size=$(stat -c %s "$dir/release/icu")
  awk -v n="$name" -v s="$size" -v w="$wall" -v u="$user" -v y="$sys" -v b="$before" -v a="$after" \
    'BEGIN { printf "| %s | %d bytes (%.1f MiB) | %.0f s | %.0f s | %s → %s |\n", n, s, s / 1048576, w, u + y, b, a }'
  rm -rf "$dir"
done
