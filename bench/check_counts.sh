#!/usr/bin/env bash
# Correctness beside speed: for every benchmark repository, icu's listing
# for the window against an exhaustive answer from git: my commits (every
# commit that is not a merge on local and remote-tracking branches, the refs
# icu scans, filtered by committer time, whose author after .mailmap is me
# or that a Co-authored-by trailer names), their lines from `git show
# --numstat` and their patch ids from `git patch-id --stable`.
#
# - The total: the draft's commits and lines against those of my commits
#   that icu lists, as git counts them: every commit of mine but those icu
#   folds into another as the same work. Also against the `git log --since`
#   yardstick (by author, as it selects, without case as icu compares),
#   which stops at the first commit older than the window and so can miss
#   work behind a commit dated before its parent.
# - Commit by commit (bench/check_commits.py, through `icu explain REV
#   --json`): each listed commit's lines against git's, so that differences
#   that cancel out in a total are seen; each commit icu neither lists nor
#   folds; and icu's folds against git's patch-id groups, each group that
#   does not agree printed with its reason.
# - How many commits the draft folds (`icu -v`) against how many explain
#   folds, which must agree when they run one scan, and how many copies
#   git's patch-id groups hold besides the one kept of each, with context
#   lines and without.
#
# Usage: bench/check_counts.sh ICU SINCE_TS UNTIL_TS REPO...
# CHECK_EMAIL (the author, default ada@example.com), CHECK_NOW (icu's now)
# and CHECK_ARGS (icu draft's period arguments; explain is given its
# --date) describe the window to icu. When the window is whole UTC days the
# config's cadence_days makes it the default period too, so explain, which
# takes no --since, compares with the same period. A repository is named by
# the last part of its path as given (a symbolic link names it).
set -euo pipefail
icu=$1 since=$2 until=$3
email=${CHECK_EMAIL:-ada@example.com}
now=${CHECK_NOW:-2026-11-24T12:00:00+00:00}
args=${CHECK_ARGS:---date 2026-11-24}
shift 3
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
explain_args=()
date=$(sed -nE 's/.*--date[ =]([0-9-]+).*/\1/p' <<< "$args")
if [ -n "$date" ]; then explain_args=(--date "$date"); fi
cadence=
days=$(( (until - since) / 86400 ))
if [ $(( (until - since) % 86400 )) -eq 0 ] && [ $(( since % 86400 )) -eq 0 ] \
  && [ "$days" -ge 2 ] && [ "$days" -le 367 ]; then
  cadence="cadence_days = $((days - 1))"
fi
declare -A sum
ok=0 differ=0 yard_differ=0
for arg in "$@"; do
  name=$(basename "$arg") r=$(realpath "$arg")
  printf '[me]\nemails = ["%s"]\n[update]\ndir = "%s"\n%s\n[[repo]]\npath = "%s"\n' \
    "$email" "$tmp/u" "$cadence" "$r" > "$tmp/c.toml"
  # shellcheck disable=SC2086
  draft=$(ICU_NOW=$now TZ=UTC "$icu" --config "$tmp/c.toml" -v draft --print $args 2> "$tmp/err")
  icu_total=$(sed -nE 's/^- ([0-9,]+) commits? in [^,]+, \+([0-9,]+) −([0-9,]+).*/\1 \2 \3/p' <<< "$draft" | tr -d ,)
  icu_total=${icu_total:-"0 0 0"}
  draft_folded=$(sed -nE 's/^scan: .*\(and ([0-9]+) folded into them.*/\1/p' "$tmp/err")
  draft_folded=${draft_folded:-0}
  per=$(ICU_NOW=$now TZ=UTC python3 "$here/check_commits.py" "$icu" "$tmp/c.toml" "$r" "$name" \
    "$since" "$until" "$email" "${explain_args[@]}")
  declare -A f=()
  for kv in $(head -n 1 <<< "$per"); do f[${kv%%=*}]=${kv#*=}; done
  for k in "${!f[@]}"; do sum[$k]=$(( ${sum[$k]:-0} + f[$k] )); done
  expected="${f[listed]} ${f[count_added]} ${f[count_removed]}"
  if [ "$icu_total" = "$expected" ]; then ok=$((ok + 1)); else
    differ=$((differ + 1))
    echo "MISMATCH $name: icu $icu_total, git's lines of the ${f[listed]} commits icu lists of my ${f[mine]} $expected (commits, +, −)"
  fi
  sum[draft_folded]=$(( ${sum[draft_folded]:-0} + draft_folded ))
  if [ "$draft_folded" != "${f[folded]}" ]; then
    echo "FOLD COUNT $name: icu -v draft folds $draft_folded of my commits, icu explain ${f[folded]};" \
      "git's patch-id groups hold ${f[copies]} commits besides the one kept of each, ${f[copies_u0]} without context"
  fi
  yard=$(git -C "$r" log --branches --remotes --no-merges --since="@$since" --until="@$until" \
    -i --author="$email" --numstat --format='tformat:COMMIT' \
    | awk -F '\t' '/^COMMIT$/ {c++} NF == 3 {a += $1; d += $2} END {printf "%d %d %d", c, a, d}')
  exact="${f[author_commits]} ${f[author_added]} ${f[author_removed]}"
  if [ "$yard" != "$exact" ]; then
    yard_differ=$((yard_differ + 1))
    echo "git log --since misses work in $name: $yard vs exhaustive $exact (commits, +, −)"
  fi
  tail -n +2 <<< "$per" | tee -a "$tmp/lines"
done
touch "$tmp/lines"
echo "icu equals the exhaustive count, folds taken out, in $ok of $# repositories; differs in $differ."
echo "git log --since differs from it in $yard_differ of $#."
echo "icu's lines equal git show --numstat's for ${sum[lines_equal]:-0} of ${sum[listed]:-0} listed commits;" \
  "differ for ${sum[lines_differ]:-0} (of ${sum[mine]:-0} commits of mine, ${sum[co_authored]:-0} by Co-authored-by:" \
  "${sum[listed]:-0} listed, ${sum[folded]:-0} folded into them, ${sum[unlisted]:-0} neither)."
reasons=$(sed -nE 's/^FOLD [^ ]+ (.*) \| .*/\1/p' "$tmp/lines" | sort | uniq -c | sort -rn \
  | sed -E 's/^ *([0-9]+) (.*)/\1 \2/' | paste -sd ';' | sed 's/;/; /g')
echo "Folded as the same work: ${sum[draft_folded]:-0} commits by icu -v draft, ${sum[folded]:-0} by icu explain;" \
  "git's patch-id groups hold ${sum[copies]:-0} commits besides the one kept of each," \
  "${sum[copies_u0]:-0} without context lines (-U0)."
echo "icu's folds agree with git patch-id groups for ${sum[groups_agree]:-0} of ${sum[groups]:-0} groups;" \
  "differ for $(( ${sum[groups]:-0} - ${sum[groups_agree]:-0} ))${reasons:+ ($reasons)}."
