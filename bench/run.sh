#!/usr/bin/env bash
# icu's benchmark: `icu draft --print` and `icu goals` against the yardstick a
# user would otherwise script — a `git log --branches --remotes --since
# --until --author --numstat` loop over the same repositories (the refs icu
# scans) — in one run: ROUNDS hyperfine rounds per set, each timing the three
# commands in turn, so drift on a shared machine falls on all three alike;
# medians over all rounds.
# Writes BENCHMARKS.md. One command from a clean clone:
#
#     bench/run.sh
#
# Generates the repositories on first use (bench/.repos/, cached), installs
# hyperfine and GNU time if missing (Debian packages).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export DEBIAN_FRONTEND=noninteractive

need() { command -v "$1" >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
if ! need hyperfine || [ ! -x /usr/bin/time ] || ! need valgrind; then
  as_root apt-get update -qq
  as_root apt-get install -y -qq hyperfine time valgrind >/dev/null
fi

cargo build --release --locked -q
ICU=$ROOT/target/release/icu
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "generating repositories (cached in bench/.repos)…" >&2
python3 bench/gen_repos.py > "$WORK/sets"

# The window icu uses for --date 2026-11-24 with no update sent yet:
# [2026-11-10T00:00Z, 2026-11-25T00:00Z).
export TZ=UTC ICU_NOW=2026-11-24T12:00:00+00:00
SINCE=2026-11-10T00:00:00Z
UNTIL=2026-11-25T00:00:00Z

RUNS=${RUNS:-30}      # runs per command in all
ROUNDS=${ROUNDS:-5}   # rounds they are split into
while read -r set repos; do
  cfg=$WORK/$set.toml
  {
    printf '[me]\nname = "Ada Lovelace"\nemails = ["ada@example.com"]\n\n[update]\ndir = "%s"\n\n' "$WORK/updates-$set"
    for r in $repos; do printf '[[repo]]\npath = "%s"\n\n' "$r"; done
    cat <<'GOALS'
[[goal]]
id = "search"
title = "Search latency"
paths = ["services/search/**", "lib/search/**"]

[[goal]]
id = "index"
title = "Index rebuild"
paths = ["services/index/**"]
keywords = ["(?i)index"]

[[goal]]
id = "docs"
title = "Docs"
paths = ["docs/**"]
GOALS
  } > "$cfg"
  gitloop=$WORK/gitlog-$set.sh
  {
    echo '#!/bin/sh'
    for r in $repos; do
      echo "git -C '$r' log --branches --remotes --since=$SINCE --until=$UNTIL --author=ada@example.com --numstat >/dev/null"
    done
  } > "$gitloop"
  chmod +x "$gitloop"
  n=$(echo "$repos" | wc -w)
  echo "set $set: $n repositories" >&2
  for round in $(seq 1 "$ROUNDS"); do
    hyperfine --style basic --warmup 1 --runs $(( (RUNS + ROUNDS - 1) / ROUNDS )) -N \
      --export-json "$WORK/$set.round$round.json" \
      -n "icu draft" "$ICU --config $cfg draft --print --date 2026-11-24" \
      -n "icu goals" "$ICU --config $cfg goals --date 2026-11-24" \
      -n "git log loop" "$gitloop" >&2
  done
  for cmd in "icu draft:$ICU --config $cfg draft --print --date 2026-11-24" \
             "icu goals:$ICU --config $cfg goals --date 2026-11-24" \
             "git log loop:$gitloop"; do
    name=${cmd%%:*}
    line=${cmd#*:}
    # Peak resident memory in KiB (for the loop: its largest git process).
    /usr/bin/time -f "%M" -o "$WORK/rss" $line >/dev/null 2>&1
    heap=-
    # Peak heap (malloc'd bytes), which unlike RSS leaves out the pages of
    # pack and index files libgit2 maps from the page cache.
    if [ "$name" != "git log loop" ] && need valgrind; then
      valgrind --tool=massif --massif-out-file="$WORK/massif" $line >/dev/null 2>&1
      heap=$(awk -F= '/^mem_heap_B=/{h=$2} /^mem_heap_extra_B=/{t=h+$2; if (t>m) m=t} END {print m/1024}' "$WORK/massif")
    fi
    # Where the resident memory goes: private pages against mapped pack files.
    parts=$(python3 bench/peakmem.py 3 $line)
    echo "$set	$name	$(cat "$WORK/rss")	$heap	${parts% *}	${parts#* }" >> "$WORK/rss.tsv"
  done
  for r in $repos; do git -C "$r" rev-list --count --branches --remotes; done | paste -sd+ | bc > "$WORK/$set.commits"
  "$ICU" --config "$cfg" -v draft --print --date 2026-11-24 2>&1 >/dev/null | grep '^scan:' \
    | awk '{v+=$4; w+=$6} END {print v, w}' > "$WORK/$set.visited"
done < "$WORK/sets"

echo "checking counts against an exhaustive git answer…" >&2
: > "$WORK/counts.txt"
while read -r set repos; do
  echo "set $set:" >> "$WORK/counts.txt"
  # shellcheck disable=SC2086
  bench/check_counts.sh "$ICU" "$(date -d "$SINCE" +%s)" "$(date -d "$UNTIL" +%s)" $repos >> "$WORK/counts.txt"
done < "$WORK/sets"

# The "Release profile" section (the last) comes from
# bench/release_profile.sh, cold builds this script does not redo: kept.
kept=$(sed -n '/^## Release profile$/,$p' BENCHMARKS.md 2>/dev/null || true)
python3 bench/report.py "$WORK" > BENCHMARKS.md
if [ -n "$kept" ]; then printf '\n%s\n' "$kept" >> BENCHMARKS.md; fi
cat BENCHMARKS.md
