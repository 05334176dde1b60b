"""What makes a measurement noisy: others' CPU and load, a yardstick that moved."""

import contextlib
import math
import os
import statistics
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .config import CLK_TCK
from .proc import all_pids, loadavg, machine_busy, proc_stat, rusage_ticks


class LoadSampler(threading.Thread):
    """The 1-minute load average of other processes than the benchmark's.

    The kernel's load average counts runnable tasks, the benchmark's own
    included, so it cannot tell whether someone else is busy. Once a second
    this counts runnable tasks (state R or D) outside the benchmark's process
    tree and its database backends, and averages them as the kernel does: over
    a minute, exponentially. It starts from the load average at start-up, when
    all of it was other processes'.
    """

    def __init__(self, stack):
        super().__init__(name="load-sampler", daemon=True)
        self.stack = stack
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.value = loadavg()[0]
        self.at = time.monotonic()

    def run(self):
        deadline = time.monotonic() + 24 * 3600
        while not self.stopping.wait(1.0) and time.monotonic() < deadline:
            others = self.count_others()
            with self.lock:
                now = time.monotonic()
                decay = math.exp(-(now - self.at) / 60)
                self.value = self.value * decay + others * (1 - decay)
                self.at = now

    def count_others(self):
        parents = {}
        for pid in all_pids():
            stat = proc_stat(pid)
            if stat:
                parents[pid] = stat[0]
        ours = {os.getpid(), *self.stack.service_pids()}
        # Descendants of this process: servers, wrk, manage.py commands.
        for _ in range(10):
            found = {pid for pid, ppid in parents.items() if ppid in ours} - ours
            if not found:
                break
            ours |= found
        runnable = 0
        for pid in parents.keys() - ours:
            with contextlib.suppress(OSError):
                for task in os.listdir(f"/proc/{pid}/task"):
                    with contextlib.suppress(OSError, IndexError):
                        text = Path(f"/proc/{pid}/task/{task}/stat").read_text()
                        if text[text.rindex(")") + 2] in "RD":
                            runnable += 1
        return runnable

    def others_load(self):
        with self.lock:
            return self.value

    def stop(self):
        self.stopping.set()


@dataclass
class Snapshot:
    at: float
    busy: int
    workers: dict
    master: int
    services: dict
    rusage: float

    @classmethod
    def take(cls, server, stack):
        """Readings around a measurement; `server` None for a command's."""
        workers = server.workers() if server else []
        return cls(
            at=time.monotonic(),
            busy=machine_busy(),
            workers={pid: (proc_stat(pid) or (0, 0, 0))[1] for pid in workers},
            master=server.master_ticks() if server else 0,
            services={
                pid: (proc_stat(pid) or (0, 0, 0))[1] for pid in stack.service_pids()
            },
            rusage=rusage_ticks(),
        )


def delta(after, before):
    """CPU ticks used between two {pid: ticks} readings; new pids count whole."""
    return sum(max(0, ticks - before.get(pid, 0)) for pid, ticks in after.items())


def spread_pct(values):
    """(max - min) / mean of positive values, in percent; 0 for fewer than 2."""
    values = [v for v in values if v is not None]
    if len(values) < 2 or min(values) <= 0:
        return 0.0
    return (max(values) - min(values)) / statistics.mean(values) * 100


def others_noise(config, before, after, others_load):
    """The noise fields of one measurement between two snapshots."""
    workers = delta(after.workers, before.workers)
    services = delta(after.services, before.services)
    ours = (
        workers
        + max(0, after.master - before.master)
        + services
        + (after.rusage - before.rusage)
    )
    elapsed = max(after.at - before.at, 1e-6)
    others = max(0.0, (after.busy - before.busy) - ours)
    others_pct = others / CLK_TCK / elapsed * 100
    reasons = []
    if others_pct > config.noisy_others_pct:
        reasons.append(f"others used {others_pct:.0f}% of a core")
    if others_load > config.noisy_others_load:
        reasons.append(f"others' 1-minute load {others_load:.1f}")
    return {
        "others_load_before": round(others_load, 2),
        "others_cpu_pct_of_core": round(others_pct, 1),
        "noisy": bool(reasons),
        "reasons": reasons,
    }


def yardstick(config, start, results, end):
    """Measure page `results` against the static CSS runs just before and
    after them, `start` and `end`: each page's ratio is to their mean, and
    every run is noisy when the two differ by more than the spread allowed.
    (spread, moved)."""
    reference = statistics.mean([start["rps"], end["rps"]])
    spread = spread_pct([start["rps"], end["rps"]])
    moved = spread > config.noisy_spread_pct
    for result in [start, *results, end]:
        result["reference_rps"] = round(reference, 1)
        result["reference_spread_pct"] = round(spread, 1)
        if moved:
            result["noise"]["noisy"] = True
            result["noise"]["reasons"].append(
                f"static CSS {start['rps']:.0f}/s just before, "
                f"{end['rps']:.0f}/s just after ({spread:.0f}% apart)"
            )
    for result in results:
        result["ratio"] = round(result["rps"] / reference, 3) if reference else None
    return spread, moved
