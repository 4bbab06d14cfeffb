#!/usr/bin/env bash
# bench/check_counts.sh on real histories of four workflows, one author's
# two weeks and a quarter in each (BENCHMARKS.md, "Exactness on real
# histories"): git.git (patches by mail, maint/next/seen), meson (rebased
# pull requests, fixes cherry-picked onto release branches), pytest (pull
# requests merged or squashed, a bot's backports onto release branches) and
# coreboot (Gerrit, a linear mainline, submodules). First a small history
# made here with one of each kind of copy the check tells apart, so that
# each reason is seen to be reached.
# Usage: bench/check_real.sh ICU DIR
# DIR holds a clone of each, named git, meson, pytest and coreboot (a bare
# mirror will do: its branches are the refs icu scans), at or after the
# snapshots BENCHMARKS.md names; a window ends before the snapshot, so a
# newer clone gives the same answer unless its branches were rewritten.
# Each window's UNTIL is midnight UTC after its last day, and icu's now.
set -euo pipefail
icu=$(realpath "$1") dir=$(realpath "$2")
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# copies DIR: a squash-merged branch kept, a cherry-pick onto a release
# branch that was then merged back, a backport picked onto the mainline and
# merged back, a revert and its re-application, a change undone and redone
# by hand, a rebased branch left behind, and a pick onto a release branch
# whose neighbouring line differs.
# Every commit of mine is made in one second.
copies() (
  mkdir -p "$1" && cd "$1" && git init -q -b main .
  export GIT_AUTHOR_NAME=Ada GIT_AUTHOR_EMAIL=ada@example.com
  export GIT_COMMITTER_NAME=Ada GIT_COMMITTER_EMAIL=ada@example.com
  export GIT_AUTHOR_DATE=2026-11-20T12:00:00Z GIT_COMMITTER_DATE=2026-11-20T12:00:00Z
  g() { git "$@" >/dev/null; }
  for f in a b c; do seq 1 50 > $f.txt; done
  git add . && GIT_AUTHOR_EMAIL=bob@example.com GIT_AUTHOR_DATE=2026-10-01T00:00:00Z \
    GIT_COMMITTER_DATE=2026-10-01T00:00:00Z g commit -m base
  git branch release/1
  git checkout -q -b feat/squash
  for n in 10 20 30; do sed -i "s/^$n\$/$n sq/" a.txt; g commit -am "squashed part $n"; done
  git checkout -q main && g merge --squash feat/squash && g commit -m "Squashed feature (#12)"
  sed -i 's/^5$/5 fix/' b.txt && g commit -am "fix b"
  git checkout -q release/1 && g cherry-pick main && git checkout -q main
  sed -i 's/^15$/15 x/' c.txt && g commit -am "x" && g revert --no-edit HEAD && g revert --no-edit HEAD
  sed -i 's/^35$/35 y/' c.txt && g commit -am "y" && sed -i 's/^35 y$/35/' c.txt && g commit -am "not y"
  sed -i 's/^35$/35 y/' c.txt && g commit -am "y again"
  git checkout -q release/1 && sed -i 's/^40$/40 bp/' b.txt && g commit -am "backport fix"
  git checkout -q main && g cherry-pick release/1 && g merge --no-ff --no-edit release/1
  git checkout -q -b feat/old main~3 && sed -i 's/^45$/45 rb/' c.txt && g commit -am "rebased"
  git checkout -q main && g cherry-pick feat/old
  git checkout -q -b feat/ctx && sed -i 's/^25$/25 ctx/' a.txt && g commit -am "ctx change"
  git checkout -q release/1 && sed -i 's/^23$/23 other/' a.txt
  GIT_AUTHOR_EMAIL=bob@example.com g commit -am "other" && g cherry-pick feat/ctx
  git checkout -q main
)
copies "$tmp/copies"

while read -r repo email since until; do
  [ -n "$repo" ] || continue
  path=$dir/$repo
  [ "$repo" = copies ] && path=$tmp/copies
  echo "== $repo $email [$since, $until): snapshot $(git -C "$path" rev-parse HEAD 2>/dev/null)"
  start=$(date +%s)
  CHECK_EMAIL=$email CHECK_NOW=${until}T00:00:00+00:00 CHECK_ARGS="--date $(date -ud "$until -1 day" +%F)" \
    "$here/check_counts.sh" "$icu" "$(date -ud "$since" +%s)" "$(date -ud "$until" +%s)" "$path"
  echo "($(( $(date +%s) - start )) s)"
done <<'WINDOWS'
copies ada@example.com 2026-11-10 2026-11-25
git ps@pks.im 2026-08-06 2026-08-21
git johannes.schindelin@gmx.de 2026-05-22 2026-08-21
meson pbonzini@redhat.com 2025-09-14 2025-09-28
meson pbonzini@redhat.com 2025-06-01 2025-08-31
pytest ran@unusedvar.com 2025-11-02 2025-11-16
pytest ran@unusedvar.com 2025-09-07 2025-12-07
coreboot kapilporwal@google.com 2025-12-14 2025-12-28
coreboot matt.devillier@gmail.com 2026-05-22 2026-08-21
WINDOWS
