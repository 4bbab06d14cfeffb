#!/usr/bin/env bash
# Measures the release profiles for BENCHMARKS.md's "Release profile"
# section: for each, a cold `cargo build --profile P --locked` in a fresh
# target dir (GNU time: wall and CPU seconds), then the same build again
# after `touch src/lib.rs` (icu's own crate and the link: the part no other
# crate's build overlaps, and what an edit costs), the load average before
# and after, and the size of the binary (target/P/icu). Prints one Markdown
# table row per profile. `release` and `release-lto` are Cargo.toml's
# profiles as they are now; the others are variants of `release` set through
# CARGO_PROFILE_RELEASE_* variables, so Cargo.toml is not edited.
#
#   bench/release_profile.sh                          # release, then release-lto
#   bench/release_profile.sh release-default release  # only those
#   KEEP=DIR bench/release_profile.sh                 # each binary kept as DIR/icu-NAME
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }

# name → "cargo profile|variables"
declare -A PROFILES=(
  [release]="release|"
  [release-lto]="release-lto|"
  # release with cargo's default LTO: thin, within each crate.
  [release-default]="release|CARGO_PROFILE_RELEASE_LTO=false"
  # release with thin LTO across crates.
  [release-thin]="release|CARGO_PROFILE_RELEASE_LTO=thin"
  # release without strip: what strip saves.
  [release-nostrip]="release|CARGO_PROFILE_RELEASE_STRIP=none"
)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(release release-lto)

echo "| profile | binary | cold build, wall | cold build, CPU (user + sys) | after an edit, wall | after an edit, CPU | load before → after |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for name in "${names[@]}"; do
  [ -n "${PROFILES[$name]+x}" ] || { echo "unknown profile $name" >&2; exit 2; }
  profile=${PROFILES[$name]%%|*}
  vars=${PROFILES[$name]#*|}
  dir=$(mktemp -d)
  before=$(cut -d' ' -f1 /proc/loadavg)
  # shellcheck disable=SC2086
  env $vars CARGO_TARGET_DIR="$dir" /usr/bin/time -o "$dir/time" -f "%e %U %S" \
    cargo build --profile "$profile" --locked -q
  read -r wall user sys < "$dir/time"
  touch src/lib.rs
  # shellcheck disable=SC2086
  env $vars CARGO_TARGET_DIR="$dir" /usr/bin/time -o "$dir/time" -f "%e %U %S" \
    cargo build --profile "$profile" --locked -q
  after=$(cut -d' ' -f1 /proc/loadavg)
  read -r ewall euser esys < "$dir/time"
  size=$(stat -c %s "$dir/$profile/icu")
  [ -z "${KEEP:-}" ] || cp "$dir/$profile/icu" "$KEEP/icu-$name"
  awk -v n="$name" -v s="$size" -v w="$wall" -v u="$user" -v y="$sys" \
    -v ew="$ewall" -v eu="$euser" -v ey="$esys" -v b="$before" -v a="$after" \
    'BEGIN { printf "| %s | %d bytes (%.1f MiB) | %.0f s | %.0f s | %.0f s | %.0f s | %s → %s |\n", n, s, s / 1048576, w, u + y, ew, eu + ey, b, a }'
  rm -rf "$dir"
done
