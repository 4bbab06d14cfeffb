#!/usr/bin/env bash
# Correctness beside speed: for every benchmark repository, icu's commit and
# line counts for the window against an exhaustive answer from git (every
# commit on local and remote-tracking branches, the refs icu scans, filtered
# by committer time, then `git show --numstat` of those) and against the
# `git log --since` yardstick, which stops at the first commit older than the
# window and so can miss work behind a commit dated before its parent.
# Usage: bench/check_counts.sh ICU SINCE_TS UNTIL_TS REPO...
# CHECK_EMAIL (the author, default ada@example.com), CHECK_NOW (icu's now)
# and CHECK_ARGS (icu draft's period arguments) describe the window to icu.
# Authors are compared after .mailmap (`%aE`), as icu compares them.
set -euo pipefail
icu=$1 since=$2 until=$3
email=${CHECK_EMAIL:-ada@example.com}
now=${CHECK_NOW:-2026-11-24T12:00:00+00:00}
args=${CHECK_ARGS:---date 2026-11-24}
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok=0 differ=0 yard_differ=0
for r in "$@"; do
  r=$(realpath "$r")
  printf '[me]\nemails = ["%s"]\n[update]\ndir = "%s"\n[[repo]]\npath = "%s"\n' "$email" "$tmp/u" "$r" > "$tmp/c.toml"
  # shellcheck disable=SC2086
  mine=$(ICU_NOW=$now TZ=UTC "$icu" --config "$tmp/c.toml" draft --print $args 2>/dev/null \
    | sed -nE 's/^- ([0-9,]+) commits? in [^,]+, \+([0-9,]+) −([0-9,]+).*/\1 \2 \3/p' | tr -d , )
  mine=${mine:-"0 0 0"}
  ids=$(git -C "$r" log --branches --remotes --no-merges --format='%H %ct %aE' \
    | awk -v s="$since" -v u="$until" -v e="$email" '$2 >= s && $2 < u && tolower($3) == e {print $1}')
  exact="0 0 0"
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086
    exact=$(git -C "$r" show --numstat --format='tformat:COMMIT' $ids \
      | awk '/^COMMIT$/ {c++} NF == 3 {a += $1; d += $2} END {printf "%d %d %d", c, a, d}')
  fi
  yard=$(git -C "$r" log --branches --remotes --no-merges --since="@$since" --until="@$until" \
    --author="$email" --numstat --format='tformat:COMMIT' \
    | awk '/^COMMIT$/ {c++} NF == 3 {a += $1; d += $2} END {printf "%d %d %d", c, a, d}')
  if [ "$mine" = "$exact" ]; then ok=$((ok + 1)); else
    differ=$((differ + 1)); echo "MISMATCH $(basename "$r"): icu $mine, exhaustive $exact"; fi
  if [ "$yard" != "$exact" ]; then
    yard_differ=$((yard_differ + 1))
    echo "git log --since misses work in $(basename "$r"): $yard vs exhaustive $exact (commits, +, −)"
  fi
done
echo "icu equals the exhaustive count in $ok of $# repositories; differs in $differ."
echo "git log --since differs from it in $yard_differ of $#."
