#!/usr/bin/env python3
"""Review credit beside the commit counts: for every benchmark repository,
the changes of others icu credits me with in the window against an
exhaustive answer from git.

Usage: bench/check_credit.py ICU SINCE_TS UNTIL_TS REPO...
CHECK_EMAIL (me, default ada@example.com), CHECK_NOW (icu's now) and
CHECK_ARGS (the period arguments) describe the window, as for
bench/check_counts.sh.

The exhaustive answer reads every commit on local and remote-tracking
branches (the refs icu scans) with `git log`, keeps those whose committer
time is in the window, and credits one that is not mine (author after
.mailmap, and no Co-authored-by trailer naming me) when one of icu's
default credit trailers (git's own trailer parsing, `%(trailers)`) names
one of my addresses after .mailmap (`git check-mailmap`), or, for a commit
that is not a merge, when I committed it. Merges of mine (credit for the
work they brought in: icu's `merged` kind) are compared apart: with none in
the window icu must credit none; with some, the line says how many icu
credits and they are not checked further. Gerrit review notes are not
checked (the line says when a repository has them).

icu's answer is the number of credits in `icu template --context` (the
goals' and the rest's), the JSON a template sees; its `merged` ones are
read from the activity's summary line (`… changes by others in R: applied
3, merged 2`).
"""

import json
import os
import re
import subprocess
import sys
import tempfile

# src/config/mod.rs: DEFAULT_CREDIT_TRAILERS.
KEYS = {k.lower() for k in ("Reviewed-by", "Acked-by", "Tested-by", "Helped-by",
                             "Mentored-by", "Suggested-by", "Reported-by")}


def git(repo, *args, stdin=None):
    return subprocess.run(["git", "-C", repo, *args], input=stdin, check=True,
                          capture_output=True, text=True, errors="replace").stdout


def email_of(value):
    """The address in `Name <addr>`, or None."""
    lt, gt = value.rfind("<"), value.rfind(">")
    if lt < 0 or gt < lt:
        return None
    return value[:lt].strip(), value[lt + 1:gt].strip()


def exhaustive(repo, since, until, me):
    """(credited changes, merges of mine) in [since, until)."""
    fmt = "%H%x1f%ct%x1f%aE%x1f%cE%x1f%P%x1f%(trailers:only,unfold)%x1e"
    out = git(repo, "log", "--branches", "--remotes", f"--format={fmt}")
    rows = []
    contacts = set()
    for rec in out.split("\x1e"):
        rec = rec.strip("\n")
        if not rec:
            continue
        oid, ct, author, committer, parents, trailers = rec.split("\x1f")
        if not since <= int(ct) < until:
            continue
        people = []
        for line in trailers.splitlines():
            key, _, value = line.partition(":")
            person = email_of(value)
            if person is None:
                continue
            people.append((key.strip().lower(), person))
            contacts.add(person)
        rows.append((author.lower(), committer.lower(), len(parents.split()), people))
    # Each address a trailer names, after .mailmap, as icu's names_me: the
    # address as written, or as the mailmap maps it (tried as written and
    # lower-cased).
    listed = sorted(contacts)
    queries = [f"{n or e} <{e}>" for n, e in listed] + \
              [f"{n or e} <{e.lower()}>" for n, e in listed]
    mapped = git(repo, "check-mailmap", "--stdin", stdin="\n".join(queries) + "\n").splitlines() \
        if queries else []
    mine_contact = set()
    for i, contact in enumerate(listed):
        emails = {contact[1].lower()}
        for j in (i, i + len(listed)):
            got = email_of(mapped[j]) if j < len(mapped) else None
            if got:
                emails.add(got[1].lower())
        if me in emails:
            mine_contact.add(contact)
    credited = my_merges = 0
    for author, committer, nparents, people in rows:
        co_me = any(k == "co-authored-by" and p in mine_contact for k, p in people)
        if author == me or co_me:
            my_merges += nparents > 1
            continue
        trailer = any(k in KEYS and p in mine_contact for k, p in people)
        applied = nparents <= 1 and committer == me
        credited += trailer or applied
    return credited, my_merges


def icu_credits(icu, repo, me, now, args, tmp):
    cfg = os.path.join(tmp, "c.toml")
    with open(cfg, "w") as f:
        f.write(f'[me]\nemails = ["{me}"]\n[update]\ndir = "{tmp}/u"\n[[repo]]\npath = "{repo}"\n')
    env = dict(os.environ, ICU_NOW=now, TZ="UTC")
    out = subprocess.run([icu, "--config", cfg, "template", "--context", *args.split()],
                         env=env, check=True, capture_output=True, text=True).stdout
    ctx = json.loads(out)
    parts = ctx["goals"] + [ctx["other"]]
    merged = sum(int(n.replace(",", "")) for p in parts
                 for n in re.findall(r"\bmerged ([0-9][0-9,]*[0-9]|[0-9])", p["activity"]))
    return sum(p["credits"] for p in parts), merged


def main():
    icu, since, until, *repos = sys.argv[1:]
    since, until = int(since), int(until)
    me = os.environ.get("CHECK_EMAIL", "ada@example.com").lower()
    now = os.environ.get("CHECK_NOW", "2026-11-24T12:00:00+00:00")
    args = os.environ.get("CHECK_ARGS", "--date 2026-11-24")
    ok = differ = total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for repo in repos:
            repo = os.path.realpath(repo)
            want, merges = exhaustive(repo, since, until, me)
            got, merged = icu_credits(icu, repo, me, now, args, tmp)
            name = os.path.basename(repo)
            total += want
            if merges:
                print(f"{name}: {merges} merge(s) of mine in the window, {merged} credited "
                      "as merged; not checked further")
            elif merged:
                print(f"CREDIT MISMATCH {name}: icu credits {merged} merge(s), "
                      "with no merge of mine in the window")
            got -= merged
            if subprocess.run(["git", "-C", repo, "rev-parse", "-q", "--verify",
                               "refs/notes/review"], capture_output=True).returncode == 0:
                print(f"{name}: has Gerrit review notes; their credit is not checked")
            if got == want:
                ok += 1
            else:
                differ += 1
                print(f"CREDIT MISMATCH {name}: icu {got}, exhaustive {want}")
    print(f"credit: icu equals the exhaustive count in {ok} of {len(repos)} repositories "
          f"({total} credited changes in all); differs in {differ}.")


if __name__ == "__main__":
    main()
