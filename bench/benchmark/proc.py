"""Readings of processes and of the machine from /proc."""

import os
import re
import resource
from pathlib import Path

from .config import CLK_TCK


def proc_stat(pid):
    """(ppid, own CPU ticks, reaped children's CPU ticks), or None once gone."""
    try:
        data = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    rest = data[data.rindex(")") + 2 :].split()
    return int(rest[1]), int(rest[11]) + int(rest[12]), int(rest[13]) + int(rest[14])


def all_pids():
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def children(pid):
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return sorted(p for p in all_pids() if (proc_stat(p) or (None,))[0] == pid)
    return sorted(int(child) for child in text.split())


def rss_mb(pid):
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else None


def cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def machine_busy():
    """Ticks the machine spent in user, nice and system time, all processes.

    irq, softirq and steal are left out: loopback traffic lands in softirq
    and would otherwise be counted as other processes' work.
    """
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system = (int(value) for value in fields[:3])
    return user + nice + system


def loadavg():
    load1, load5, load15, *_ = Path("/proc/loadavg").read_text().split()
    return float(load1), float(load5), float(load15)


def rusage_ticks():
    """CPU of this process and of its reaped children (wrk, manage.py), in ticks."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total * CLK_TCK
