#!/usr/bin/env python3
"""Generates the benchmark's synthetic repositories with `git fast-import`.

Deterministic (fixed seeds). Each repository has ~20 authors over years of
history, side branches merged with "Merge pull request #N", a few unmerged
feature branches, ~1% of commits whose committer date is older than their
parent's (rebases, clock skew), and a two-week window of a few hundred
commits ending at NOW, many of them by ada@example.com (the benchmark's "me").
Like a clone, each has the remote-tracking branches of its branches
(refs/remotes/origin/*, and origin/HEAD -> origin/main), which icu scans too.

So that set B differs from set A only in the length of the history, the k-th
repository of each set starts from the same initial import (1,600 files of
20-200 lines), every file keeps its size (edits change lines, and add or drop
one only to stay near the file's own size), and the window is drawn from a
random generator of its own, seeded alike in both sets: the same commits by
the same authors touching the same files in the same shape.

Sets (under bench/.repos/, cached by their parameters):
  A: 2 x 100k + 1 x 10k commits
  B: the same window with a tenth of the history (10k, 10k, 1k)
  C: 50 repos of 200 to 5,000 commits
  D: 500 repos of 200 to 5,000 commits: ten copies of each of C's 50 (their
     .git directories copied, no work tree: icu and git log read only the
     refs and objects), so the set takes seconds to make, not an hour
  H1, H100: B's 1k-commit repository, and the same on top of 99,000 older
     commits (see `lengthen`): one window to the byte, 100 times the history
  A+graph, B+graph, C+graph, D+graph, H1+graph, H100+graph: the same
     repositories (hard-linked copies) with the commit-graph file git's gc
     and maintenance write
     (`git commit-graph write --reachable`), which the set without lacks,
     as a fast-import leaves it

Usage: bench/gen_repos.py [OUT_DIR]   (prints one line per set: NAME PATH...)
"""
import concurrent.futures
import json
import os
import random
import subprocess
import sys

NOW = 1795003200  # 2026-11-24T12:00:00Z
DAY = 86400
WINDOW_DAYS = 14
ME = ("Ada Lovelace", "ada@example.com")
VERSION = 7  # bump to regenerate caches when the generator changes

AUTHORS = [ME] + [(f"Dev {i:02d}", f"dev{i:02d}@example.com") for i in range(1, 20)]
DIRS = [f"{top}/{sub}" for top in ("services", "lib", "docs", "tools") for sub in
        ("search", "index", "query", "auth", "billing", "ui", "infra", "api", "cache", "store")]


def words(rng, n):
    vocab = ("fix add tune remove refactor cache index query latency planner shard "
             "retry timeout flaky test docs bump config metrics trace log parser").split()
    return " ".join(rng.choice(vocab) for _ in range(n))


def generate(path, n_commits, window_commits, seed, slot):
    rng = random.Random(seed)
    init_rng = random.Random(50_000 + slot)
    window_rng = random.Random(90_000 + slot)
    os.makedirs(path, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", path], check=True)
    proc = subprocess.Popen(["git", "-C", path, "fast-import", "--quiet", "--done"],
                            stdin=subprocess.PIPE)
    out = proc.stdin
    mark = 0
    start = NOW - 4 * 365 * DAY
    window_start = NOW - WINDOW_DAYS * DAY
    history = n_commits - window_commits
    pr = 0
    files = {}  # path -> its lines; edits change a few lines
    size = {}  # path -> the size it stays near

    def pick(n):
        # One draw whatever n is: the window's draws must not depend on the
        # history's file sizes.
        return int(rng.random() * n)

    def commit(ref, parents, t_author, t_committer, author, message, n_files, initial=False):
        nonlocal mark
        mark += 1
        buf = [f"commit {ref}\n", f"mark :{mark}\n",
               f"author {author[0]} <{author[1]}> {t_author} +0000\n",
               f"committer {author[0]} <{author[1]}> {t_committer} +0000\n"]
        msg = message.encode()
        buf.append(f"data {len(msg)}\n")
        out.write("".join(buf).encode() + msg + b"\n")
        if parents:
            out.write(f"from :{parents[0]}\n".encode())
            for p in parents[1:]:
                out.write(f"merge :{p}\n".encode())
        if initial:
            for f in sorted(files):
                data = "".join(files[f]).encode()
                out.write(f"M 100644 inline {f}\ndata {len(data)}\n".encode() + data + b"\n")
            return mark
        for _ in range(n_files):
            d = rng.choice(DIRS)
            f = f"{d}/f{rng.randrange(40)}.txt"
            lines = files[f]
            for _ in range(rng.randrange(1, 6)):  # change a few lines
                lines[pick(len(lines))] = f"{words(rng, 6)}\n"
            coin = rng.random() < 0.5
            where = rng.random()
            text = f"{words(rng, 6)}\n"
            if len(lines) < size[f] or (len(lines) == size[f] and coin):
                lines.insert(int(where * (len(lines) + 1)), text)
            else:
                del lines[int(where * len(lines))]
            data = "".join(lines).encode()
            out.write(f"M 100644 inline {f}\ndata {len(data)}\n".encode() + data + b"\n")
        return mark

    def time_at(i, total, lo, hi):
        return lo + (hi - lo) * i // max(total, 1)

    for d in DIRS:
        for k in range(40):
            f = f"{d}/f{k}.txt"
            size[f] = init_rng.randrange(20, 200)
            files[f] = [f"{f} line {j}\n" for j in range(size[f])]
    main = commit("refs/heads/main", [], start, start, AUTHORS[1], "Initial import", 0, initial=True)
    main_time = start
    i = 1
    branches_left = 6  # unmerged feature branches kept as local branches
    while i < n_commits:
        in_window = i >= history
        if in_window and rng is not window_rng:
            # The window's own generator, and its own unmerged branches.
            rng = window_rng
            branches_left = 2
        lo, hi = (window_start, NOW - 3600) if in_window else (start, window_start - DAY)
        idx, total = (i - history, window_commits) if in_window else (i, history)
        t = max(time_at(idx, total, lo, hi) + rng.randrange(0, 600), main_time + 1)
        me_share = 0.4 if in_window else 0.05
        author = ME if rng.random() < me_share else rng.choice(AUTHORS[1:])
        tc = t
        if main is not None and rng.random() < 0.01:
            tc = main_time - rng.randrange(3600, 3 * DAY)  # older than its parent
        if main is not None and rng.random() < 0.03 and i + 6 < (n_commits if in_window else history):
            # A side branch, merged as a pull request.
            pr += 1
            topic = f"refs/heads/topic/{pr}"
            side = main
            k = rng.randrange(2, 6)
            for j in range(k):
                side = commit(topic, [side], t + j, t + j, author,
                              f"{words(rng, 5)} (part {j + 1})", rng.randrange(1, 4))
            i += k
            t += k + 1
            merged = branches_left <= 0 or rng.random() < 0.9
            if merged:
                main = commit("refs/heads/main", [main, side], t, t, author,
                              f"Merge pull request #{pr} from dev/topic-{pr}\n\n{words(rng, 4)}", 0)
                out.write(f"reset {topic}\nfrom 0000000000000000000000000000000000000000\n\n".encode())
                i += 1
            else:
                branches_left -= 1
            main_time = t
            continue
        subject = words(rng, rng.randrange(3, 9))
        if rng.random() < 0.05:
            pr += 1
            subject += f" (#{pr})"
        main = commit("refs/heads/main", [main] if main else [], t, tc, author, subject,
                      rng.randrange(1, 6))
        main_time = max(main_time, t)
        i += 1
    out.write(b"done\n")
    out.close()
    if proc.wait() != 0:
        sys.exit(f"fast-import failed for {path}")
    subprocess.run(["git", "-C", path, "reset", "-q", "--hard", "main"], check=True)
    # What a clone of it has: origin/* at every branch, origin/HEAD naming main.
    heads = subprocess.run(["git", "-C", path, "for-each-ref", "--format=%(objectname) %(refname:strip=2)",
                            "refs/heads/"], check=True, capture_output=True, text=True).stdout
    refs = "".join(f"create refs/remotes/origin/{name} {oid}\n"
                   for oid, name in (line.split(" ", 1) for line in heads.splitlines()))
    subprocess.run(["git", "-C", path, "update-ref", "--stdin"], input=refs, check=True, text=True)
    subprocess.run(["git", "-C", path, "symbolic-ref", "refs/remotes/origin/HEAD",
                    "refs/remotes/origin/main"], check=True)
    # A fast-import pack holds mostly whole objects in creation order, unlike
    # any repository git has maintained; repack it as `git gc` would.
    subprocess.run(["git", "-C", path, "repack", "-a", "-d", "-f", "-q", "--window=10", "--depth=50"],
                   check=True)


def lengthen(short, path, n_older):
    """`short`'s history on top of `n_older` older commits: the same
    commits, dates and trees from `short`'s first commit on (their ids
    change with that commit's parent), after a history that touches only
    `attic/` (a file a commit, small texts) from ten years before NOW. So
    the two have the same window to the byte, and one history 1 + n_older /
    len(short) times longer: what the history alone costs a scan."""
    subprocess.run(["git", "init", "-q", "-b", "main", path], check=True)
    proc = subprocess.Popen(["git", "-C", path, "fast-import", "--quiet", "--done"],
                            stdin=subprocess.PIPE)
    out = proc.stdin
    rng = random.Random(70_000 + n_older)
    root_time = int(subprocess.run(["git", "-C", short, "log", "-1", "--format=%ct",
                                    "--max-parents=0", "main"], check=True, capture_output=True,
                                   text=True).stdout.split()[0])
    start = NOW - 10 * 365 * DAY
    step = (root_time - start) // (n_older + 1)
    for i in range(n_older):
        t = start + i * step
        author = AUTHORS[1 + rng.randrange(len(AUTHORS) - 1)]
        body = f"{words(rng, 6)}\n".encode()
        msg = f"attic: {words(rng, 4)}\n".encode()
        parent = f"from :{i}\n" if i else ""
        out.write(f"commit refs/heads/main\nmark :{i + 1}\n"
                  f"author {author[0]} <{author[1]}> {t} +0000\n"
                  f"committer {author[0]} <{author[1]}> {t} +0000\n"
                  f"data {len(msg)}\n".encode() + msg + parent.encode()
                  + f"M 100644 inline attic/{i % 500:03d}.txt\ndata {len(body)}\n".encode()
                  + body + b"\n")
    out.write(b"done\n")
    out.close()
    if proc.wait() != 0:
        sys.exit(f"fast-import failed for {path}")
    tip = subprocess.run(["git", "-C", path, "rev-parse", "main"], check=True, capture_output=True,
                         text=True).stdout.strip()
    # `short` exported whole, its first commit given the older tip as parent.
    export = subprocess.run(["git", "-C", short, "fast-export", "--all", "--signed-tags=strip",
                             "--reencode=no"], check=True, capture_output=True).stdout
    stream, at, command, grafted = bytearray(), 0, b"", False
    while at < len(export):
        end = export.index(b"\n", at) + 1
        line = export[at:end]
        stream += line
        at = end
        if line.startswith(b"data "):
            size = int(line[5:])
            stream += export[at:at + size]
            at += size
            if command == b"commit" and not grafted:
                grafted = True
                if not export[at:].lstrip(b"\n").startswith(b"from "):
                    # Its tree as it was: none of the older files.
                    stream += f"from {tip}\ndeleteall\n".encode()
        elif line.split(b" ", 1)[0].strip() in (b"commit", b"blob", b"reset", b"tag"):
            command = line.split(b" ", 1)[0].strip()
    subprocess.run(["git", "-C", path, "fast-import", "--quiet", "--force"], input=bytes(stream),
                   check=True)
    subprocess.run(["git", "-C", path, "symbolic-ref", "refs/remotes/origin/HEAD",
                    "refs/remotes/origin/main"], check=True)
    subprocess.run(["git", "-C", path, "reset", "-q", "--hard", "main"], check=True)
    subprocess.run(["git", "-C", path, "repack", "-a", "-d", "-f", "-q", "--window=10", "--depth=50"],
                   check=True)


SETS = {
    "A": [("a-100k-1", 100_000, 300), ("a-100k-2", 100_000, 300), ("a-10k", 10_000, 200)],
    "B": [("b-10k-1", 10_000, 300), ("b-10k-2", 10_000, 300), ("b-1k", 1_000, 200)],
    "C": [(f"c-{i:02d}", 200 + (i * 97) % 4800, 20 + i % 30) for i in range(50)],
}
COPIES = {"D": ("C", 10)}  # set -> (the set it copies, copies of each)
# set -> (the set and repository it lengthens, older commits): H1 is B's
# 1k-commit repository as it is, H100 the same on top of 99k older commits.
LONGER = {"H100": ("B", "b-1k", 99_000)}
GRAPHS = ("A", "B", "C", "D", "H1", "H100")  # each also as "<set>+graph"


def generate_one(args):
    generate(*args)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".repos")
    for name, repos in SETS.items():
        key = json.dumps([VERSION, repos])
        set_dir = os.path.join(root, name)
        stamp = os.path.join(set_dir, ".params")
        if not (os.path.exists(stamp) and open(stamp).read() == key):
            subprocess.run(["rm", "-rf", set_dir], check=True)
            jobs = [(os.path.join(set_dir, repo), n, w, 1000 * (ord(name) - 64) + k, k)
                    for k, (repo, n, w) in enumerate(repos)]  # seeds stable across runs
            with concurrent.futures.ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
                list(pool.map(generate_one, jobs))
            with open(stamp, "w") as f:
                f.write(key)
        print(name, " ".join(os.path.join(set_dir, r[0]) for r in repos), flush=True)
    for name, (source, copies) in COPIES.items():
        repos = [r[0] for r in SETS[source]]
        set_dir = os.path.join(root, name)
        stamp = os.path.join(set_dir, ".params")
        key = json.dumps([VERSION, source, copies, SETS[source]])
        paths = [os.path.join(set_dir, f"d-{r}-{c}") for c in range(copies) for r in repos]
        if not (os.path.exists(stamp) and open(stamp).read() == key):
            subprocess.run(["rm", "-rf", set_dir], check=True)
            for c in range(copies):
                for r in repos:
                    dest = os.path.join(set_dir, f"d-{r}-{c}")
                    os.makedirs(dest)
                    subprocess.run(["cp", "-a", os.path.join(root, source, r, ".git"), dest], check=True)
            with open(stamp, "w") as f:
                f.write(key)
        print(name, " ".join(paths), flush=True)
    # H1: a hard-linked copy of the repository H100 lengthens.
    for name, (source, repo, n_older) in LONGER.items():
        for long_name, older in (("H1", 0), (name, n_older)):
            set_dir = os.path.join(root, long_name)
            stamp = os.path.join(set_dir, ".params")
            key = json.dumps([VERSION, source, repo, older, SETS[source]])
            dest = os.path.join(set_dir, repo if older == 0 else f"{repo}+{older // 1000}k")
            if not (os.path.exists(stamp) and open(stamp).read() == key):
                subprocess.run(["rm", "-rf", set_dir], check=True)
                os.makedirs(set_dir)
                if older == 0:
                    subprocess.run(["cp", "-al", os.path.join(root, source, repo), dest], check=True)
                else:
                    lengthen(os.path.join(root, source, repo), dest, older)
                with open(stamp, "w") as f:
                    f.write(key)
            print(long_name, dest, flush=True)
    for name in GRAPHS:
        source = os.path.join(root, name)
        repos = sorted(r for r in os.listdir(source) if not r.startswith("."))
        set_dir = os.path.join(root, f"{name}+graph")
        stamp = os.path.join(set_dir, ".params")
        key = open(os.path.join(source, ".params")).read()
        if not (os.path.exists(stamp) and open(stamp).read() == key):
            subprocess.run(["rm", "-rf", set_dir], check=True)
            os.makedirs(set_dir)
            for r in repos:
                # Hard links: the commit-graph is a new file, written beside
                # the shared packs without changing them.
                subprocess.run(["cp", "-al", os.path.join(source, r), set_dir], check=True)
                subprocess.run(["git", "-C", os.path.join(set_dir, r), "commit-graph", "write",
                                "--reachable"], check=True)
            with open(stamp, "w") as f:
                f.write(key)
        print(f"{name}+graph", " ".join(os.path.join(set_dir, r) for r in repos), flush=True)


if __name__ == "__main__":
    main()
