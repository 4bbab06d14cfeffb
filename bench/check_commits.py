#!/usr/bin/env python3
"""Commit by commit, for one repository of bench/check_counts.sh: each commit
of mine in the window as icu lists it against git.

Usage: bench/check_commits.py ICU CONFIG REPO NAME SINCE_TS UNTIL_TS EMAIL [EXPLAIN_ARG...]
(ICU_NOW and TZ in the environment, as check_counts.sh sets them).

Mine, as git says: every commit that is not a merge on local and
remote-tracking branches (the refs icu scans) whose committer time is in
[SINCE_TS, UNTIL_TS) and whose author after `.mailmap` (`%aE`) is EMAIL, or
that a `Co-authored-by:` trailer names (git's trailer parsing, the address
as written or after `.mailmap`), as icu counts it.

icu's answer for each is `icu explain ID --json` (with EXPLAIN_ARG..., the
update's `--date`): whether it is listed, or folded into which listed
commit, and the lines of a listed one.

- Lines: each listed commit's added and removed lines against `git show
  --numstat`'s (a binary file's `-` counts 0). A folded commit is not listed
  and its lines are not counted, so it is not compared.
- Folds: `git show ID... | git patch-id --stable` groups my commits by patch
  id. A group of two or more agrees when icu lists one of them and folds
  every other into it; one that does not is printed with the reason git
  shows: a revert of one copy before the other (re-applied after a
  revert), copies both on one branch, a copy on the mainline's first-parent
  line and one that reached it through a merge (a backport merged back),
  or none of these (a group of three or more gets the first reason that
  holds for two of the copies icu lists). The mainline is the branch HEAD
  names, else the first of main, master, trunk, develop.
  Every fold of icu's should be within one group or be a squash (a listed
  commit holding a branch's commits, whose patch ids differ by nature).
  Each fold that is not is printed with its reason: git's patch ids differ
  in the context lines alone (equal with `-U0`: icu's patch id hashes the
  changed lines without context, src/scan/patch_id.rs says why), or a
  squash that git confirms (the change from the parent of the oldest folded
  commit to the newest, a first-parent chain, has the listed commit's
  changed lines), or one git does not confirm.

Prints one line of figures (`key=value`, summed by check_counts.sh), then
one line per difference.
"""

import collections
import json
import re
import subprocess
import sys

REVERTS = re.compile(r"This reverts commit ([0-9a-f]{7,40})")


def git(repo, *args, stdin=None, check=True):
    return subprocess.run(["git", "-C", repo, *args], input=stdin, check=check,
                          capture_output=True, text=True, errors="replace").stdout


def email_of(value):
    lt, gt = value.rfind("<"), value.rfind(">")
    if lt < 0 or gt < lt:
        return None
    return value[:lt].strip(), value[lt + 1:gt].strip()


def mine(repo, since, until, me):
    """My commits in the window, oldest first, and those mine only by a
    Co-authored-by trailer; also every commit in the window (anyone's) that
    says which commit it reverts, as {reverted id or prefix: [revert ids]}."""
    fmt = "%H%x1f%ct%x1f%aE%x1f%(trailers:key=Co-authored-by,valueonly,unfold,separator=%x1d)%x1e"
    out = git(repo, "log", "--branches", "--remotes", "--no-merges", "--reverse", f"--format={fmt}")
    rows, people = [], set()
    for rec in out.split("\x1e"):
        rec = rec.strip("\n")
        if not rec:
            continue
        oid, ct, author, co = rec.split("\x1f")
        if not since <= int(ct) < until:
            continue
        co = [p for p in (email_of(v) for v in co.split("\x1d") if v.strip()) if p]
        people.update(co)
        rows.append((oid, author.lower(), co))
    reverts = collections.defaultdict(list)
    bodies = git(repo, "log", "--no-walk=unsorted", "--stdin", "--format=%H%x1f%B%x1e",
                 stdin="".join(f"{r[0]}\n" for r in rows)) if rows else ""
    for rec in bodies.split("\x1e"):
        oid, _, body = rec.strip("\n").partition("\x1f")
        for r in REVERTS.findall(body):
            reverts[r].append(oid)
    # A trailer's address is mine as written or as .mailmap maps it.
    listed = sorted(people)
    queries = [f"{n or e} <{e}>" for n, e in listed]
    mapped = git(repo, "check-mailmap", "--stdin", stdin="\n".join(queries) + "\n").splitlines() \
        if queries else []
    me_too = {p for p, m in zip(listed, mapped)
              if me in (p[1].lower(), (email_of(m) or ("", ""))[1].lower())}
    ids, co_only = [], set()
    for oid, author, co in rows:
        if author == me:
            ids.append(oid)
        elif any(p in me_too for p in co):
            ids.append(oid)
            co_only.add(oid)
    return ids, co_only, reverts


def numstat(repo, ids):
    """{id: (added, removed)} as `git show --numstat` counts them."""
    out = git(repo, "show", "--numstat", "--format=tformat:COMMIT %H", *ids) if ids else ""
    lines, cur = {}, None
    for line in out.splitlines():
        if line.startswith("COMMIT "):
            cur = line.split()[1]
            lines[cur] = (0, 0)
            continue
        f = line.split("\t")
        if cur and len(f) == 3:
            a, d = lines[cur]
            lines[cur] = (a + (int(f[0]) if f[0] != "-" else 0), d + (int(f[1]) if f[1] != "-" else 0))
    return lines


def patch_ids(repo, ids, context=None):
    """{id: patch id} from `git show ID... | git patch-id --stable`; a commit
    with no textual change has none. `context=0`: without the context lines
    (`-U0`), the changed lines alone, as icu's patch id hashes them."""
    if not ids:
        return {}
    args = ["show", "--no-color", "--no-ext-diff", "--format=commit %H", "-p"]
    args += [f"-U{context}"] if context is not None else []
    shown = git(repo, *args, *ids)
    out = git(repo, "patch-id", "--stable", stdin=shown)
    return {c: p for p, c in (line.split() for line in out.splitlines())}


def diff_patch_id(repo, a, b, context=None):
    """The patch id of the change from `a` to `b`."""
    args = ["diff", "--no-color", "--no-ext-diff"] + ([f"-U{context}"] if context is not None else [])
    shown = git(repo, *args, a, b)
    out = git(repo, "patch-id", "--stable", stdin=shown).split()
    return out[0] if out else None


def explain(icu, cfg, oid, extra):
    out = subprocess.run([icu, "--config", cfg, "explain", oid, "--json", *extra],
                         capture_output=True, text=True)
    if out.returncode != 0:
        why = (out.stderr.strip().splitlines() or [f"exit {out.returncode}"])[-1]
        return None, why
    return json.loads(out.stdout)["listed"], None


class Repo:
    def __init__(self, path):
        self.path = path
        self._contains = {}
        head = git(path, "symbolic-ref", "-q", "HEAD", check=False).strip()
        heads = set(git(path, "for-each-ref", "--format=%(refname)", "refs/heads").split())
        self.mainline = head if head in heads else next(
            (f"refs/heads/{n}" for n in ("main", "master", "trunk", "develop") if f"refs/heads/{n}" in heads), None)
        self.first_parent = set(git(path, "rev-list", "--first-parent", self.mainline).split()) \
            if self.mainline else set()

    def full(self, short):
        return git(self.path, "rev-parse", "-q", "--verify", f"{short}^{{commit}}", check=False).strip() or short

    def ancestor(self, a, b):
        return subprocess.run(["git", "-C", self.path, "merge-base", "--is-ancestor", a, b],
                              capture_output=True).returncode == 0

    def branches(self, c):
        if c not in self._contains:
            self._contains[c] = set(git(self.path, "for-each-ref", "--contains", c,
                                        "--format=%(refname)", "refs/heads", "refs/remotes").split())
        return self._contains[c]

    def first_parent_of(self, c):
        out = git(self.path, "rev-parse", "-q", "--verify", f"{c}^1", check=False).strip()
        return out or None


def why_both(repo, listed, reverts):
    """Why git would keep apart two listed commits with one patch id."""
    for x in listed:
        for r in [r for key, rs in reverts.items() if x.startswith(key) for r in rs]:
            if repo.ancestor(x, r) and any(y != x and repo.ancestor(r, y) for y in listed):
                return "re-applied after a revert (both listed)"
    # icu's rule is by time, not by the graph: a revert of either copy
    # committed between the two keeps them apart even on another branch.
    when = {c: int(git(repo.path, "log", "-1", "--format=%ct", c)) for c in listed}
    for x in listed:
        for r in [r for key, rs in reverts.items() if x.startswith(key) for r in rs]:
            t = int(git(repo.path, "log", "-1", "--format=%ct", r))
            if any(y != x and min(when[x], when[y]) <= t <= max(when[x], when[y]) for y in listed):
                return "a revert of it committed between the two (icu's rule is by time), both listed"
    for i, x in enumerate(listed):
        for y in listed[i + 1:]:
            if not repo.branches(x) & repo.branches(y):
                continue
            fx, fy = x in repo.first_parent, y in repo.first_parent
            if fx != fy and repo.mainline in repo.branches(x) & repo.branches(y):
                return "a copy on the mainline and one merged into it (a backport merged back), both listed"
            return "copies on the same branch, both listed (a change redone on the same branch)"
    return "same patch id, icu lists both"


def squash_confirmed(repo, keep, members, pid):
    """Whether git finds `members` (folded into `keep`) together to be
    `keep`'s change: None when they are not one first-parent chain."""
    parent = {m: repo.first_parent_of(m) for m in members}
    oldest = [m for m in members if parent[m] not in members]
    child = {parent[m]: m for m in members}
    if len(oldest) != 1 or not parent[oldest[0]]:
        return None
    chain = [oldest[0]]
    while chain[-1] in child:
        chain.append(child[chain[-1]])
    if len(chain) != len(members):
        return None
    return pid.get(keep) is not None \
        and diff_patch_id(repo.path, parent[oldest[0]], chain[-1], context=0) == pid[keep]


def main():
    icu, cfg, path, name, since, until, me, *extra = sys.argv[1:]
    since, until, me = int(since), int(until), me.lower()
    repo = Repo(path)
    ids, co_only, reverts = mine(path, since, until, me)
    git_lines = numstat(path, ids)
    pid = patch_ids(path, ids)
    icu_of, diffs = {}, []
    for c in ids:
        icu_of[c], failed = explain(icu, cfg, c, extra)
        if failed:
            diffs.append(f"{c[:7]}: icu explain failed ({failed})")
    short = {c: c[:7] for c in ids}
    listed = [c for c in ids if icu_of[c] and icu_of[c]["listed"]]
    into = {c: repo.full(icu_of[c]["folded_into"]) for c in ids if icu_of[c] and icu_of[c]["folded_into"]}
    # Lines of each listed commit.
    lines_differ = 0
    for c in listed:
        got = (icu_of[c]["added"], icu_of[c]["removed"])
        if got != git_lines[c]:
            lines_differ += 1
            diffs.append(f"{short[c]}: icu +{got[0]} −{got[1]}, git +{git_lines[c][0]} −{git_lines[c][1]}")
    unlisted = [c for c in ids if c not in listed and c not in into]
    for c in unlisted:
        if icu_of[c]:
            a, d = git_lines[c]
            diffs.append(f"{short[c]}: icu does not list it ({icu_of[c]['why_not']}); git +{a} −{d}")
    # Folds against patch-id groups.
    keeps = sorted(set(into.values()) - set(ids))
    pid.update(patch_ids(path, keeps))
    pid0 = patch_ids(path, ids + keeps, context=0)

    def grouped(by):
        groups = collections.defaultdict(list)
        for c in ids:
            if c in by:
                groups[by[c]].append(c)
        return [g for g in groups.values() if len(g) > 1]

    groups = grouped(pid)
    agree, fold_lines = 0, []

    def differ(reason, members):
        shown = ", ".join(f"{short.get(c, c[:7])}"
                          + (f"→{into[c][:7]}" if c in into else " listed" if c in listed else " not listed")
                          for c in members)
        fold_lines.append(f"{reason} | {shown}")

    for g in groups:
        kept = [c for c in g if c in listed]
        if len(kept) == 1 and all(into.get(c) == kept[0] for c in g if c != kept[0]):
            agree += 1
        elif len(kept) > 1:
            differ(why_both(repo, kept, reverts), g)
        elif kept:
            differ("same patch id, icu lists one and folds another elsewhere or not at all", g)
        elif len({into.get(c) for c in g}) == 1 and None not in {into.get(c) for c in g}:
            differ("same patch id, all folded into one commit of another patch id (a squash)", g)
        else:
            differ("same patch id, icu lists none of them", g)
    folds = collections.defaultdict(list)
    for c, k in into.items():
        folds[k].append(c)
    unmatched = 0
    for keep, members in sorted(folds.items()):
        others = [c for c in members if pid.get(c) is None or pid.get(c) != pid.get(keep)]
        context = [c for c in others if pid0.get(c) is not None and pid0.get(c) == pid0.get(keep)]
        if context:
            unmatched += 1
            differ("icu folds, git's patch ids differ in the context lines alone "
                   "(the same changed lines, icu's patch id leaves context out)", [keep] + context)
        others = [c for c in others if c not in context]
        if not others:
            continue
        ok = squash_confirmed(repo, keep, others, pid0)
        says = any("squash" in ((icu_of[c] or {}).get("why_not") or "") for c in others)
        not_so = ("not one first-parent chain" if ok is None
                  else "together not its changed lines: a conflict resolved, a later edit, "
                  "or the mainline merged in")
        if ok:
            reason = "squash fold (git: the folded commits together make its changed lines)"
        elif says:
            reason = f"squash fold as icu says (git: {not_so})"
        else:
            reason = f"icu folds, git patch-ids differ ({not_so})"
        unmatched += 1
        differ(reason, [keep] + others)
    n_listed = len(listed)
    by_author = [c for c in ids if c not in co_only]
    print(f"mine={len(ids)} co_authored={len(co_only)} listed={n_listed} folded={len(into)} "
          f"unlisted={len(unlisted)} author_commits={len(by_author)} "
          f"author_added={sum(git_lines[c][0] for c in by_author)} "
          f"author_removed={sum(git_lines[c][1] for c in by_author)} "
          f"lines_equal={n_listed - lines_differ} lines_differ={lines_differ} "
          f"count_added={sum(git_lines[c][0] for c in listed)} "
          f"count_removed={sum(git_lines[c][1] for c in listed)} "
          f"groups={len(groups) + unmatched} groups_agree={agree} "
          f"copies={sum(len(g) - 1 for g in groups)} "
          f"copies_u0={sum(len(g) - 1 for g in grouped(pid0))}")
    for line in diffs:
        print(f"COMMIT MISMATCH {name} {line}")
    for c in sorted(co_only & set(listed)):
        print(f"NOTE {name} {short[c]}: mine by a Co-authored-by trailer, not by its author")
    for line in fold_lines:
        print(f"FOLD {name} {line}")


if __name__ == "__main__":
    main()
