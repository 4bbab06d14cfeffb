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
    cpu = {}
    rounds = sorted(f for f in os.listdir(work) if f.startswith(f"{name}.round") and f.endswith(".json"))
    for fname in rounds:
        with open(os.path.join(work, fname)) as f:
            for r in json.load(f)["results"]:
                times.setdefault(r["command"], []).extend(r["times"])
                # hyperfine's mean user and system time of the round's runs
                cpu.setdefault(r["command"], []).append(r["user"] + r["system"])
    if not rounds:
        return {}
    return {cmd: {"times": t, "median": statistics.median(t), "mean": statistics.mean(t),
                  "stddev": statistics.stdev(t) if len(t) > 1 else 0.0, "min": min(t), "max": max(t),
                  "rounds": len(rounds), "cpu": statistics.median(cpu[cmd])}
            for cmd, t in times.items()}


rss = {}
heap = {}
anon = {}
packmap = {}
instr = {}
with open(os.path.join(work, "rss.tsv")) as f:
    for line in f:
        fields = line.rstrip("\n").split("\t")
        s, cmd, kib, heap_kib, anon_kib, pack_kib = fields[:6]
        if len(fields) > 6 and fields[6] not in ("-", "", "0"):
            instr[(s, cmd)] = int(float(fields[6]))
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
built = os.path.join(work, "built")
out.append(f"- icu built from: {open(built).read().strip() if os.path.exists(built) else '?'}")
loadavg = " ".join(open("/proc/loadavg").read().split()[:3])
out.append(f"- load average (1, 5, 15 min) when the report was written: {loadavg}")
first = results("A")["icu draft"]
out.append(f"- {len(first['times'])} runs per command in {first['rounds']} hyperfine rounds, each "
           f"timing the commands of a set in turn after a warm-up (`RUNS`, `ROUNDS`); CPU is user + "
           f"system time, the median over the rounds of hyperfine's mean per round\n")

sets = {"A": "2 × 100k + 1 × 10k commits", "B": "the same window, a tenth of the history (10k, 10k, 1k)",
        "C": "50 repositories of 200–5,000 commits", "D": "500 repositories of 200–5,000 commits",
        "G": "git.git, one author's two weeks (ps@pks.im, 2026-08-06 to 2026-08-20)",
        "GY": "git.git, the same author's year (2025-08-21 to 2026-08-20)"}
yardstick = {"G": "`git log --branches --no-merges --since --until --author --numstat`",
             "GY": "the same `git log` over the year"}
med = {}
present = []
for s, desc in sets.items():
    r = results(s)
    if not r:
        continue
    present.append(s)
    commits = read(s, "commits")[0]
    visited = read(s, "visited") + ["?", "?"]
    out.append(f"## Set {s}: {desc}\n")
    out.append(f"{commits} commits on the refs scanned in all; icu's walk for the draft visited "
               f"{visited[0]} of them ({visited[1]} in the window). "
               f"Load average after its rounds: {' '.join(read(s, 'load'))}."
               + (f" The git loop is {yardstick[s]}." if s in yardstick else "") + "\n")
    out.append("| command | median | mean ± σ | min | max | CPU | instructions | peak RSS | peak heap | private | pack maps |")
    out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for cmd in ("icu draft", "icu goals", "git log loop", "icu draft, credit off"):
        if cmd not in r:
            continue
        x = r[cmd]
        med[(s, cmd)] = ms(x)
        c = x["cpu"]
        out.append(f"| {cmd} | {ms(x):.1f} ms | {x['mean']*1000:.1f} ± {x['stddev']*1000:.1f} ms | "
                   f"{x['min']*1000:.1f} ms | {x['max']*1000:.1f} ms | "
                   + (f"{c*1000:.0f} ms" if c is not None else "–") + " | "
                   + (f"{instr[(s, cmd)] / 1e6:,.0f} M" if (s, cmd) in instr else "–")
                   + f" | {rss[(s, cmd)]:.1f} MiB | "
                   + (f"{heap[(s, cmd)]:.1f} MiB |" if heap.get((s, cmd)) is not None else "– |")
                   + f" {anon[(s, cmd)]:.1f} MiB | {packmap[(s, cmd)]:.1f} MiB |")
    out.append(f"\nicu draft / git log loop: **{med[(s, 'icu draft')] / med[(s, 'git log loop')]:.2f}×**"
               + (f"; icu goals / icu draft: **{med[(s, 'icu goals')] / med[(s, 'icu draft')]:.2f}×**"
                  if (s, "icu goals") in med else "")
               + (f"; credit costs {med[(s, 'icu draft')] - med[(s, 'icu draft, credit off')]:.1f} ms "
                  f"of the draft's median" if (s, "icu draft, credit off") in med else "")
               + (f"; instructions, icu draft / git log loop: "
                  f"{instr[(s, 'icu draft')] / instr[(s, 'git log loop')]:.2f}×"
                  if (s, "icu draft") in instr and (s, "git log loop") in instr else "")
               + (f", icu goals / icu draft: {instr[(s, 'icu goals')] / instr[(s, 'icu draft')]:.2f}×"
                  if (s, "icu goals") in instr and (s, "icu draft") in instr else "") + "\n")
absent = os.path.join(work, "G.absent")
if os.path.exists(absent):
    out.append("## Sets G and GY: git.git — **absent from this run**\n")
    out.append("`ICU_BENCH_GIT` did not name a clone of git.git, so its targets below are not measured.\n")


def verdict(ok):
    return "met" if ok else "**not met**"


def ratio_row(text, num, den, limit):
    work = (f"{instr[num] / instr[den]:.2f}×" if num in instr and den in instr else "–")
    if num in med and den in med:
        x = med[num] / med[den]
        out.append(f"| {text} ≤ {limit}× | {x:.2f}× | {work} | {verdict(x <= limit)} |")
    else:
        out.append(f"| {text} ≤ {limit}× | not measured | {work} | **not met** |")


def ms_row(text, key, limit):
    if key in med:
        out.append(f"| {text} < {limit:,} ms | {med[key]:.1f} ms | – | {verdict(med[key] < limit)} |")
    else:
        out.append(f"| {text} < {limit:,} ms | not measured | – | **not met** |")


out.append("## Targets\n")
out.append("Measured is the ratio of medians (wall time, the targets' measure); *work* is the "
           "ratio of instructions executed (callgrind, every thread and process), which does not "
           "depend on the machine's load: icu spreads its work over the cores, git log runs on "
           "one, so a work ratio above the time ratio is the parallelism.\n")
out.append("| target | measured | work | |")
out.append("| --- | --- | --- | --- |")
ratio_row("git.git, 2 weeks: icu draft / the git log yardstick", ("G", "icu draft"), ("G", "git log loop"), 0.5)
ratio_row("git.git, a year: icu draft / the git log yardstick", ("GY", "icu draft"), ("GY", "git log loop"), 0.55)
for s in ("A", "B", "C", "D", "G"):
    ratio_row(f"icu goals / icu draft, set {s}", (s, "icu goals"), (s, "icu draft"), 1.3)
ratio_row("set A: icu draft / the git log loop", ("A", "icu draft"), ("A", "git log loop"), 0.5)
ratio_row("same window, 10× the history: icu draft A / B", ("A", "icu draft"), ("B", "icu draft"), 1.2)
ms_row("500 repositories (D): icu draft", ("D", "icu draft"), 1000)
ms_row("500 repositories (D): icu goals", ("D", "icu goals"), 1500)
ms_row("50 repositories (C): icu draft", ("C", "icu draft"), 300)
ms_row("50 repositories (C): icu goals", ("C", "icu goals"), 300)
if ("A", "icu draft") in rss:
    a = rss[("A", "icu draft")]
    out.append(f"| peak RSS of icu draft on set A < 50 MB | {a:.1f} MiB | – | {verdict(a * 1.048576 < 50)} |")
    if heap.get(("A", "icu draft")) is not None:
        h = heap[("A", "icu draft")]
        out.append(f"| the same, heap | {h:.1f} MiB | – | {verdict(h * 1.048576 < 50)} |")
    p = anon[("A", "icu draft")]
    out.append(f"| the same, private (sampled) | {p:.1f} MiB | – | {verdict(p * 1.048576 < 50)} |")
out.append("\nFour measures of memory. *Peak RSS* is GNU time's `%M`, exact. It counts the pages of "
           "the repositories' pack index and pack files that libgit2 maps: a 100k-commit repository "
           "here has a 27 MB pack index, searched by binary search, and the kernel maps 64 KiB around "
           "each touched page, so a few hundred lookups make nearly all of it resident. Those pages "
           "belong to the page cache and are shared with every git process; *pack maps* is their "
           "largest sampled total. *Peak heap* is what icu and libgit2 allocate at most "
           "(valgrind massif), exact. *Private* is the largest sampled total of anonymous pages "
           "(heap with the allocator's slack, thread arenas, stacks; `bench/peakmem.py`, the largest over 3 "
           "runs, a lower bound since a sample can miss a short peak).")
out.append("\nWhy peak RSS on set A is above 50 MB while heap and private memory are far below it: "
           "the rest is *pack maps*. libgit2 maps each pack index whole and binary-searches it, "
           "and the kernel's fault-around makes 64 KiB resident around each page a lookup "
           "touches, so a draft's lookups make most of both 100k-commit indexes resident. icu "
           "scans the three repositories in one process at once, so its peak holds two of them; "
           "the git log loop runs one git per repository, so its peak (the largest git) holds "
           "one. Bounding it would take `madvise(MADV_RANDOM)` on libgit2's index mapping (no "
           "fault-around), which git2 gives no handle on, or scanning the repositories one at a "
           "time, which costs the parallelism the time targets need; neither is done.")
out.append("\nWhy `icu goals` costs more than the draft on sets A and G: it walks 12 weeks, not 2, "
           "and reads every commit in them to know whose it is. In a 100k-commit repository of set A "
           "that is about 4,800 commits each (`icu -v goals`), where the draft visits 677 in all three "
           "repositories; on B (a tenth of the history) the same 12 weeks hold 783 per repository. "
           "The walk is at git's own cost per commit: `git rev-list --branches --remotes "
           "--since=2026-08-31 --count` in a-100k-1 reads the same 4,750 commits in 42 ms (hyperfine, "
           "2026-11-30). Without a commit-graph file (the bench repositories and the git.git mirror "
           "have none) every commit must be inflated, and goals needs each one's author too, which a "
           "commit-graph does not hold; what would make goals as cheap as a draft is a cache of what "
           "icu learnt about each commit (ids are immutable), which icu does not keep yet.")
out.append("\nWhat grows from B to A (the same window, ten times the history), by callgrind on "
           "2026-11-30: the walk does the same work (27.3 M against 27.1 M instructions); reading the "
           "blobs of the changed files for line counts does not (libgit2's blob lookups, inflating "
           "included: 144 M against 73 M), as A's files are larger (mean 4,120 against 3,506 bytes "
           "at the tip of a-100k-1 and b-10k-1) and are read through more delta applications "
           "(4,767 against 3,845). git log reads the same blobs for `--numstat`.\n")
counts = os.path.join(work, "counts.txt")
if os.path.exists(counts):
    out.append("\n## Correctness\n")
    out.append("For every repository: icu's commits and lines (+/−) in the window against an exhaustive "
               "answer (every commit on local and remote-tracking branches filtered by committer time and by "
               "author after `.mailmap`, then "
               "`git show --numstat`), and against the `git log --since` yardstick "
               "(`bench/check_counts.sh`); then the changes of others icu credits me with (review "
               "trailers after `.mailmap`, patches I committed; merges of mine apart) against the same "
               "exhaustive reading of every commit in the window (`bench/check_credit.py`). The "
               "synthetic sets carry no trailers, so their credit count is 0 on both sides; git.git "
               "(G, GY) is where credit is exercised.\n")
    out.append("```")
    out.append(open(counts).read().rstrip())
    out.append("```")
print("\n".join(out))
