#!/usr/bin/env bash
# Correctness beside speed: for every benchmark repository, icu's commit and
# line counts for the window against an exhaustive answer from git (every
# commit on local and remote-tracking branches, the refs icu scans, filtered
# by committer time, then `git show --numstat` of those) and against the
# `git log --since` yardstick, which stops at the first commit older than the
# window and so can miss work behind a commit dated before its parent.
# Then commit by commit: each of those commits' lines added and removed as
# icu counts them (`icu explain REV --json`, which scans the second the
# commit was made in) against `git show --numstat`'s, so that differences
# that cancel out in a total are seen; each commit that differs is listed
# with both numbers.
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
ok=0 differ=0 yard_differ=0 commits=0 commits_differ=0
# Reads `ID ADDED REMOVED` lines (git's numbers) on stdin; runs `icu
# explain ID --json` for each; prints how many commits and how many differ,
# then one line per commit that differs.
cat > "$tmp/per_commit.py" <<'PY'
import json, subprocess, sys
icu, cfg = sys.argv[1:3]
seen, differ = 0, []
for line in sys.stdin:
    cid, added, removed = line.split()
    git = f"git +{added} −{removed}"
    seen += 1
    out = subprocess.run([icu, "--config", cfg, "explain", cid, "--json"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        why = (out.stderr.strip().splitlines() or [f"exit {out.returncode}"])[-1]
        differ.append(f"{cid[:7]}: icu explain failed ({why}); {git}")
        continue
    listed = json.loads(out.stdout)["listed"]
    if not listed["listed"]:
        differ.append(f"{cid[:7]}: icu does not list it ({listed['why_not']}); {git}")
    elif (listed["added"], listed["removed"]) != (int(added), int(removed)):
        differ.append(f"{cid[:7]}: icu +{listed['added']} −{listed['removed']}, {git}")
print(seen, len(differ))
print("\n".join(differ))
PY
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
  : > "$tmp/git"
  if [ -n "$ids" ]; then
    # Each commit's lines (a binary file's `-` counts 0), then their sums.
    # shellcheck disable=SC2086
    git -C "$r" show --numstat --format='tformat:COMMIT %H' $ids \
      | awk '/^COMMIT / {if (id) print id, a, d; id = $2; a = 0; d = 0; next}
             NF == 3 {a += $1; d += $2} END {if (id) print id, a, d}' > "$tmp/git"
    exact=$(awk '{c++; a += $2; d += $3} END {printf "%d %d %d", c, a, d}' "$tmp/git")
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
  per=$(ICU_NOW=$now TZ=UTC python3 "$tmp/per_commit.py" "$icu" "$tmp/c.toml" < "$tmp/git")
  read -r seen bad <<< "$(head -n 1 <<< "$per")"
  commits=$((commits + seen)) commits_differ=$((commits_differ + bad))
  tail -n +2 <<< "$per" | sed -n "s/^./COMMIT MISMATCH $(basename "$r") &/p"
done
echo "icu equals the exhaustive count in $ok of $# repositories; differs in $differ."
echo "git log --since differs from it in $yard_differ of $#."
echo "icu's lines equal git show --numstat's for $((commits - commits_differ)) of $commits commits; differ for $commits_differ."
