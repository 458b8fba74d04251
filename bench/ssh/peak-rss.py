"""Samples the memory of a process tree until its root exits.

    /usr/bin/python3 peak-rss.py ROOT_PID [INTERVAL_SECONDS]

Every interval, sums the resident memory of ROOT_PID and all its descendants
(read from /proc) and keeps the largest sum. Prints it in KB when the root is
gone. A sweep that starts one ssh per device holds C processes at once: their
sum is what the sweep costs in memory, not the largest one alone.
"""

import os
import sys
import time


def tree_rss_kb(root):
    parents = {}
    rss = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name may hold spaces: fields start after the last ')'.
        fields = stat[stat.rindex(b")") + 2 :].split()
        pid = int(entry)
        parents[pid] = int(fields[1])
        rss[pid] = int(fields[21]) * PAGE_KB
    total = 0
    for pid, pages_kb in rss.items():
        p = pid
        while p > 1:
            if p == root:
                total += pages_kb
                break
            p = parents.get(p, 0)
    return total


PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def running(pid):
    """Alive and not a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rindex(b")") + 2 :].split()[0] != b"Z"


def main():
    root = int(sys.argv[1])
    interval = float(sys.argv[2]) if len(sys.argv) > 2 else 0.25
    peak = 0
    while running(root):
        peak = max(peak, tree_rss_kb(root))
        time.sleep(interval)
    print(peak)


if __name__ == "__main__":
    main()
