#!/usr/bin/env bash
# icu's benchmark: `icu draft --print` and `icu goals` against the yardstick a
# user would otherwise script — a `git log --branches --remotes --since
# --until --author --numstat` loop over the same repositories (the refs icu
# scans), and for goals the same loop with `--name-only` over its 12 weeks —
# in one run: ROUNDS hyperfine rounds per set, each timing the three
# commands in turn, so drift on a shared machine falls on all three alike;
# medians over all rounds. Every set twice: as made (no commit-graph file, as
# `git fast-import` and a fresh mirror leave a repository) and as `SET+graph`
# (the same repositories with the file git's gc and maintenance write), both
# icu and git log reading it.
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

# The release profile: what `cargo install` builds, and what issue 31's
# targets are stated in. The reports before 2026-12-08 were built with
# release-lto (fat LTO, one codegen unit; 8% fewer instructions on a
# draft, BENCHMARKS.md, "Release profile"): ICU_BENCH_PROFILE=release-lto
# gives figures to compare with them.
PROFILE=${ICU_BENCH_PROFILE:-release}
cargo build --profile "$PROFILE" --locked -q
ICU=$ROOT/target/$PROFILE/icu
WORK=$(mktemp -d)
# Kept when the run fails, to see how far it got.
trap 'st=$?; if [ $st -eq 0 ]; then rm -rf "$WORK"; else echo "run failed; its files are in $WORK" >&2; fi' EXIT
# The commit the binary was built from (the report is written at the end).
"$ICU" --version | sed -E 's/^icu [^ ]+ //' > "$WORK/built"
echo "$PROFILE" > "$WORK/profile"

echo "generating repositories (cached in bench/.repos)…" >&2
python3 bench/gen_repos.py > "$WORK/sets"

# The window icu uses for --date 2026-11-24 with no update sent yet:
# [2026-11-10T00:00Z, 2026-11-25T00:00Z).
export TZ=UTC ICU_NOW=2026-11-24T12:00:00+00:00
SINCE=2026-11-10T00:00:00Z
UNTIL=2026-11-25T00:00:00Z

RUNS=${RUNS:-30}      # runs per command in all
ROUNDS=${ROUNDS:-5}   # rounds they are split into

SYNTH_GOALS='[[goal]]
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
paths = ["docs/**"]'

# bench_set SET EMAIL DATE SINCE UNTIL DRAFT_EXTRA GOALS YARDSTICK_ARGS REPO...
# Times `icu draft --print`, `icu goals` and the git log loop over REPO...
# for the window [SINCE, UNTIL) (`icu draft --date DATE DRAFT_EXTRA`); on a
# set whose name starts with G (git.git) also `icu draft` with credit off.
bench_set() {
  local set=$1 email=$2 date=$3 since=$4 until=$5 extra=$6 goals=$7 yargs=$8
  shift 8
  local repos="$*" cfg=$WORK/$set.toml nocredit=$WORK/$set-nocredit.toml
  {
    printf '[me]\nname = "Me"\nemails = ["%s"]\n\n[update]\ndir = "%s"\n\n' "$email" "$WORK/updates-$set"
    for r in $repos; do printf '[[repo]]\npath = "%s"\n\n' "$r"; done
    printf '%s\n' "$goals"
  } > "$cfg"
  { cat "$cfg"; printf '\n[credit]\nenabled = false\n'; } > "$nocredit"
  local gitloop=$WORK/gitlog-$set.sh
  {
    echo '#!/bin/sh'
    for r in $repos; do
      echo "git -C '$r' log $yargs --since=$since --until=$until --author=$email --numstat >/dev/null"
    done
  } > "$gitloop"
  chmod +x "$gitloop"
  # icu goals' yardstick: the files of my commits over its 12 weeks (84
  # days back from the period's end), the same loop with --name-only.
  local gsince namesloop=$WORK/gitnames-$set.sh
  gsince=$(date -u -d "$until - 84 days" +%Y-%m-%dT%H:%M:%SZ)
  {
    echo '#!/bin/sh'
    for r in $repos; do
      echo "git -C '$r' log $yargs --since=$gsince --until=$until --author=$email --name-only >/dev/null"
    done
  } > "$namesloop"
  chmod +x "$namesloop"
  echo "$email $date $since $until $extra" > "$WORK/$set.params"
  local draft="$ICU --config $cfg draft --print --date $date $extra"
  local goals_cmd="$ICU --config $cfg goals --date $date $extra"
  local cmds=(-n "icu draft" "$draft" -n "git log loop" "$gitloop")
  local names=("icu draft:$draft" "git log loop:$gitloop")
  # icu goals scans 12 weeks back from its period; it takes no --since.
  if [ -z "$extra" ]; then
    cmds+=(-n "icu goals" "$goals_cmd" -n "git log --name-only loop" "$namesloop")
    names+=("icu goals:$goals_cmd" "git log --name-only loop:$namesloop")
  fi
  if [ "${set#G}" != "$set" ]; then
    cmds+=(-n "icu draft, credit off" "$ICU --config $nocredit draft --print --date $date $extra")
    names+=("icu draft, credit off:$ICU --config $nocredit draft --print --date $date $extra")
  fi
  echo "set $set: $(echo "$repos" | wc -w) repositories" >&2
  for round in $(seq 1 "$ROUNDS"); do
    hyperfine --style basic --warmup 1 --runs $(( (RUNS + ROUNDS - 1) / ROUNDS )) -N \
      --export-json "$WORK/$set.round$round.json" "${cmds[@]}" >&2
  done
  cut -d' ' -f1-3 /proc/loadavg > "$WORK/$set.load"
  for cmd in "${names[@]}"; do
    name=${cmd%%:*}
    line=${cmd#*:}
    # Peak resident memory in KiB (for the loop: its largest git process).
    /usr/bin/time -f "%M" -o "$WORK/rss" $line >/dev/null 2>&1
    heap=-
    # Peak heap (malloc'd bytes), which unlike RSS leaves out the pages of
    # pack and index files libgit2 maps from the page cache.
    # Not on set D (500 repositories) or the year (GY), with or without a
    # commit-graph: valgrind takes minutes there.
    if [ "${name#git log}" = "$name" ] && [ "${set%+graph}" != D ] && [ "${set%+graph}" != GY ] && need valgrind; then
      ICU_SCAN_TIMEOUT=86400 valgrind --tool=massif --massif-out-file="$WORK/massif" $line >/dev/null 2>&1
      heap=$(awk -F= '/^mem_heap_B=/{h=$2} /^mem_heap_extra_B=/{t=h+$2; if (t>m) m=t} END {print m/1024}' "$WORK/massif")
    fi
    # Where the resident memory goes: private pages against mapped pack files.
    parts=$(python3 bench/peakmem.py 3 $line)
    # Instructions executed, all threads and child processes (callgrind):
    # the work done, which unlike time does not depend on what else the
    # machine runs. Not on set D (500 git processes under valgrind), with
    # or without a commit-graph. Under valgrind a scan runs 50 times slower
    # than icu's 10 s deadline for one repository expects (a year of git.git
    # passed it, and icu gave up on the repository with part of the work
    # done), so the deadline is lifted there; --fair-sched shares the cores
    # out in turn, as the machine does, instead of letting one thread run
    # on while the others wait.
    ir=-
    if [ "${set%+graph}" != D ] && need valgrind; then
      ir=$(ICU_SCAN_TIMEOUT=86400 valgrind --tool=callgrind --trace-children=yes --fair-sched=yes \
        --callgrind-out-file=/dev/null $line 2>&1 >/dev/null \
        | awk '/Collected :/ {s += $NF} END {printf "%.0f\n", s}')
    fi
    echo "$set	$name	$(cat "$WORK/rss")	$heap	${parts% *}	${parts#* }	$ir" >> "$WORK/rss.tsv"
  done
  for r in $repos; do git -C "$r" rev-list --count $yargs; done | paste -sd+ | bc > "$WORK/$set.commits"
  # shellcheck disable=SC2086
  "$ICU" --config "$cfg" -v draft --print --date "$date" $extra 2>&1 >/dev/null | grep '^scan:' \
    | awk '{v+=$4; w+=$6} END {print v, w}' > "$WORK/$set.visited"
}

while read -r set repos; do
  # shellcheck disable=SC2086
  bench_set "$set" ada@example.com 2026-11-24 "$SINCE" "$UNTIL" "" "$SYNTH_GOALS" \
    "--branches --remotes" $repos
  echo "$set $repos" >> "$WORK/checked"
done < "$WORK/sets"

# git.git: a real history (82k commits, thousands of refs: tags, pull
# requests), when ICU_BENCH_GIT names a clone of it (a mirror will do: `git
# clone --mirror https://github.com/git/git`). One author's two weeks up to
# its newest commits, 2026-08-20, and that author's year.
GIT_GOALS='[[goal]]
id = "refs"
title = "Refs"
paths = ["refs/**", "refs.c", "refs.h", "builtin/refs.c"]

[[goal]]
id = "reftable"
title = "Reftable"
paths = ["reftable/**"]

[[goal]]
id = "docs"
title = "Docs"
paths = ["Documentation/**"]'
GIT_REPO=${ICU_BENCH_GIT:-}
if [ -n "$GIT_REPO" ] && git -C "$GIT_REPO" rev-parse --git-dir >/dev/null 2>&1; then
  GIT_REPO=$(realpath "$GIT_REPO")
  # G+graph, GY+graph: the same history with the commit-graph git writes
  # when asked for changed paths too (a hard-linked mirror clone, cached in
  # bench/.repos/ while its refs are the clone's).
  GIT_GRAPH=$ROOT/bench/.repos/git+graph
  if [ ! -d "$GIT_GRAPH" ] || [ "$(git -C "$GIT_REPO" for-each-ref)" != "$(git -C "$GIT_GRAPH" for-each-ref)" ]; then
    echo "writing git.git's commit-graph (a minute)…" >&2
    rm -rf "$GIT_GRAPH"
    git clone -q --mirror --local "$GIT_REPO" "$GIT_GRAPH"
    git -C "$GIT_GRAPH" commit-graph write --reachable --changed-paths
  fi
  export ICU_NOW=2026-08-21T00:00:00+00:00
  for g in "G $GIT_REPO" "G+graph $GIT_GRAPH"; do
    # shellcheck disable=SC2086
    set -- $g
    bench_set "$1" ps@pks.im 2026-08-20 2026-08-06T00:00:00Z 2026-08-21T00:00:00Z "" "$GIT_GOALS" \
      "--branches --no-merges" "$2"
    bench_set "${1/G/GY}" ps@pks.im 2026-08-20 2025-08-21T00:00:00Z 2026-08-21T00:00:00Z "--since 2025-08-21" \
      "$GIT_GOALS" "--branches --no-merges" "$2"
    echo "$1 $2" >> "$WORK/checked"
    echo "${1/G/GY} $2" >> "$WORK/checked"
  done
  export ICU_NOW=2026-11-24T12:00:00+00:00
else
  echo "git.git set skipped: ICU_BENCH_GIT does not name a git.git clone" >&2
  echo "${ICU_BENCH_GIT:-unset}" > "$WORK/G.absent"
fi

echo "checking counts and credit against an exhaustive git answer…" >&2
: > "$WORK/counts.txt"
for set in $(cut -d' ' -f1 "$WORK/checked"); do
  [ -f "$WORK/$set.params" ] || continue
  read -r email date since until extra < "$WORK/$set.params"
  repos=$(awk -v s="$set" '$1 == s {$1 = ""; print}' "$WORK/checked")
  now=2026-11-24T12:00:00+00:00
  [ "${set#G}" != "$set" ] && now=2026-08-21T00:00:00+00:00
  echo "set $set:" >> "$WORK/counts.txt"
  # shellcheck disable=SC2086
  CHECK_EMAIL=$email CHECK_NOW=$now CHECK_ARGS="--date $date $extra" \
    bench/check_counts.sh "$ICU" "$(date -d "$since" +%s)" "$(date -d "$until" +%s)" $repos >> "$WORK/counts.txt"
  # shellcheck disable=SC2086
  CHECK_EMAIL=$email CHECK_NOW=$now CHECK_ARGS="--date $date $extra" \
    python3 bench/check_credit.py "$ICU" "$(date -d "$since" +%s)" "$(date -d "$until" +%s)" $repos >> "$WORK/counts.txt"
done

# The sections after the report — "Exactness on real histories", "Release
# profile", "HTML styles" and "Measurements behind design decisions" — come
# from bench/check_real.sh, bench/release_profile.sh and measurements by
# hand that this script does not redo: kept, from the first of them to the
# end.
kept=$(sed -n '/^## \(Exactness on real histories\|Release profile\|HTML styles\)$/,$p' BENCHMARKS.md 2>/dev/null || true)
python3 bench/report.py "$WORK" > BENCHMARKS.md
if [ -n "$kept" ]; then printf '\n%s\n' "$kept" >> BENCHMARKS.md; fi
cat BENCHMARKS.md
