#!/usr/bin/env python3
"""Where a command's resident memory goes, sampled from /proc/PID/smaps.

Usage: bench/peakmem.py RUNS COMMAND...   prints "ANON_KIB PACKMAP_KIB"

While the command runs, reads its /proc/PID/smaps as fast as it can and keeps
the largest anonymous (private: heap, arenas, stacks) total and the largest
total of mapped git pack files (`*.idx`, `*.pack`: pages of the page cache,
shared with every git process), the largest over RUNS runs. A sample can miss a short
peak, so these are lower bounds; GNU time's %M (exact peak RSS) and massif's
peak heap sit beside them in BENCHMARKS.md.
"""
import subprocess
import sys


def sample(pid):
    anon = packmap = 0
    name = ""
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            first = line.split(maxsplit=6)
            if "-" in first[0] and len(first) >= 5 and ":" in first[3]:
                name = first[5].strip() if len(first) > 5 else ""
            elif first[0] == "Anonymous:":
                anon += int(first[1])
            elif first[0] == "Rss:" and name.endswith((".idx", ".pack")):
                packmap += int(first[1])
    return anon, packmap


def main():
    runs, cmd = int(sys.argv[1]), sys.argv[2:]
    best_anon = best_pack = 0
    for _ in range(runs):
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while p.poll() is None:
            try:
                a, m = sample(p.pid)
            except (OSError, ValueError, IndexError):
                continue
            best_anon, best_pack = max(best_anon, a), max(best_pack, m)
        p.wait()
    print(best_anon, best_pack)


if __name__ == "__main__":
    main()
