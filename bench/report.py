#!/usr/bin/env python3
"""Turns bench/run.sh's hyperfine JSON into BENCHMARKS.md (stdout)."""
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

work = sys.argv[1]


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except Exception:
        return "?"


def results(name):
    """Every round's times per command, merged, with their statistics."""
    times = {}
    rounds = sorted(f for f in os.listdir(work) if f.startswith(f"{name}.round") and f.endswith(".json"))
    for fname in rounds:
        with open(os.path.join(work, fname)) as f:
            for r in json.load(f)["results"]:
                times.setdefault(r["command"], []).extend(r["times"])
    return {cmd: {"times": t, "median": statistics.median(t), "mean": statistics.mean(t),
                  "stddev": statistics.stdev(t) if len(t) > 1 else 0.0, "min": min(t), "max": max(t),
                  "rounds": len(rounds)}
            for cmd, t in times.items()}


rss = {}
heap = {}
anon = {}
packmap = {}
with open(os.path.join(work, "rss.tsv")) as f:
    for line in f:
        s, cmd, kib, heap_kib, anon_kib, pack_kib = line.rstrip("\n").split("\t")
        rss[(s, cmd)] = int(kib) / 1024
        heap[(s, cmd)] = float(heap_kib) / 1024 if heap_kib not in ("-", "") else None
        anon[(s, cmd)] = int(anon_kib) / 1024
        packmap[(s, cmd)] = int(pack_kib) / 1024


def ms(r):
    return r["median"] * 1000


def read(name, ext):
    p = os.path.join(work, f"{name}.{ext}")
    return open(p).read().split() if os.path.exists(p) else ["?"]


cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
mem = sh("awk '/MemTotal/ {printf \"%.0f GiB\", $2/1048576}' /proc/meminfo")
out = []
out.append("# Benchmarks\n")
out.append("`icu draft --print` and `icu goals` against the yardstick a user would otherwise "
           "script: a `git log --branches --remotes --since --until --author --numstat` loop over the same "
           "repositories. Medians over hyperfine rounds that alternate the commands (warm cache); "
           "peak memory from GNU time (`%M`).\n")
out.append("Reproduce with one command from a clean clone: `bench/run.sh` "
           "(generates the repositories with `git fast-import` on first use).\n")
out.append("Sets A and B differ only in the length of the history: the k-th repository of each "
           "starts from the same import and its window is drawn alike (the same commits by the "
           "same authors touching the same files; see `bench/gen_repos.py`), so A against B "
           "shows what the history alone costs.\n")
out.append(f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
out.append(f"- machine: {os.cpu_count()} cores, {cpu}, {mem} RAM, {platform.system()} {platform.release()}")
out.append(f"- {sh('rustc --version')}, {sh('git --version')}, {sh('hyperfine --version')}")
out.append(f"- icu commit: {sh('git rev-parse --short HEAD')}")
first = results("A")["icu draft"]
out.append(f"- {len(first['times'])} runs per command in {first['rounds']} hyperfine rounds, each "
           f"timing the three commands in turn after a warm-up (`RUNS`, `ROUNDS`)\n")

sets = {"A": "2 × 100k + 1 × 10k commits", "B": "the same window, a tenth of the history (10k, 10k, 1k)",
        "C": "50 repositories of 200–5,000 commits"}
med = {}
for s, desc in sets.items():
    r = results(s)
    commits = read(s, "commits")[0]
    visited = read(s, "visited")
    out.append(f"## Set {s}: {desc}\n")
    out.append(f"{commits} commits on local and remote-tracking branches in all; icu's walk visited {visited[0]} of them "
               f"({visited[-1]} in the window).\n")
    out.append("| command | median | mean ± σ | min | max | peak RSS | peak heap | private | pack maps |")
    out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for cmd in ("icu draft", "icu goals", "git log loop"):
        x = r[cmd]
        med[(s, cmd)] = ms(x)
        out.append(f"| {cmd} | {ms(x):.1f} ms | {x['mean']*1000:.1f} ± {x['stddev']*1000:.1f} ms | "
                   f"{x['min']*1000:.1f} ms | {x['max']*1000:.1f} ms | {rss[(s, cmd)]:.1f} MiB | "
                   + (f"{heap[(s, cmd)]:.1f} MiB |" if heap.get((s, cmd)) is not None else "– |")
                   + f" {anon[(s, cmd)]:.1f} MiB | {packmap[(s, cmd)]:.1f} MiB |")
    out.append(f"\nicu draft / git log loop: **{med[(s, 'icu draft')] / med[(s, 'git log loop')]:.2f}×**\n")


def verdict(ok):
    return "met" if ok else "**not met**"


a_ratio = med[("A", "icu draft")] / med[("A", "git log loop")]
ab = med[("A", "icu draft")] / med[("B", "icu draft")]
c_draft = med[("C", "icu draft")]
c_goals = med[("C", "icu goals")]
# The memory target covers the runs the other targets name: icu draft on
# every set and icu goals on the 50 repositories. icu goals on A and B is
# reported in the tables above, outside the target.
in_target = [("A", "icu draft"), ("B", "icu draft"), ("C", "icu draft"), ("C", "icu goals")]
peak = max(rss[k] for k in in_target)
peak_heap = max((heap[k] for k in in_target if heap.get(k) is not None), default=None)
peak_anon = max(anon[k] for k in in_target)
out.append("## Targets\n")
out.append("| target | measured | |")
out.append("| --- | --- | --- |")
out.append(f"| draft over set A ≤ 0.5× the git log loop | {a_ratio:.2f}× | {verdict(a_ratio <= 0.5)} |")
out.append(f"| same window, 10× the history (A vs B) ≤ 1.2× | {ab:.2f}× | {verdict(ab <= 1.2)} |")
out.append(f"| 50 repos: draft < 300 ms | {c_draft:.1f} ms | {verdict(c_draft < 300)} |")
out.append(f"| 50 repos: goals < 300 ms | {c_goals:.1f} ms | {verdict(c_goals < 300)} |")
out.append(f"| peak memory of icu draft (all sets) and icu goals (C) < 50 MB (RSS) | {peak:.1f} MiB | {verdict(peak * 1.048576 < 50)} |")
if peak_heap is not None:
    out.append(f"| the same, heap | {peak_heap:.1f} MiB | {verdict(peak_heap * 1.048576 < 50)} |")
out.append(f"| the same, private (sampled) | {peak_anon:.1f} MiB | {verdict(peak_anon * 1.048576 < 50)} |")
out.append("\nFour measures of memory. *Peak RSS* is GNU time's `%M`, exact. It counts the pages of "
           "the repositories' pack index and pack files that libgit2 maps: a 100k-commit repository "
           "here has a 27 MB pack index, searched by binary search, and the kernel maps 64 KiB around "
           "each touched page, so a few hundred lookups make nearly all of it resident. Those pages "
           "belong to the page cache and are shared with every git process; *pack maps* is their "
           "largest sampled total. *Peak heap* is what icu and libgit2 allocate at most "
           "(valgrind massif), exact. *Private* is the largest sampled total of anonymous pages "
           "(heap with the allocator's slack, thread arenas, stacks; `bench/peakmem.py`, the largest over 3 "
           "runs, a lower bound since a sample can miss a short peak).")
counts = os.path.join(work, "counts.txt")
if os.path.exists(counts):
    out.append("\n## Correctness\n")
    out.append("For every repository: icu's commits and lines (+/−) in the window against an exhaustive "
               "answer (every commit on local and remote-tracking branches filtered by committer time, then "
               "`git show --numstat`), and against the `git log --since` yardstick "
               "(`bench/check_counts.sh`).\n")
    out.append("```")
    out.append(open(counts).read().rstrip())
    out.append("```")
print("\n".join(out))
