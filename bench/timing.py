"""Timing and memory: each figure the median of `repeat` runs after one warm-up run; peak resident size."""
from __future__ import annotations

import os
import platform
import resource
import statistics
import time
from dataclasses import dataclass
from typing import Any, Callable


@dataclass
class Timed:
    median: float
    runs: list[float]     # seconds, the warm-up left out
    result: Any           # what the last run returned


def timed(work: Callable[[], Any], repeat: int, *, warmup: int = 1, before: Callable[[], None] | None = None) -> Timed:
    """Run `work` warmup + repeat times; `before` (untimed) runs ahead of each run."""
    runs, result = [], None
    for n in range(warmup + repeat):
        if before:
            before()
        start = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - start
        if n >= warmup:
            runs.append(seconds)
    return Timed(statistics.median(runs), [round(s, 4) for s in runs], result)


def peak_rss_mb() -> float:
    """This process's largest resident size so far (Linux reports kB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if platform.system() == "Darwin" else 1024), 1)


def machine(database_version: str) -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), cpu)
    except OSError:
        pass
    ram = None
    try:
        ram = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024 ** 3, 1)
    except (ValueError, OSError, AttributeError):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": ram, "python": platform.python_version(),
            "database": database_version, "system": platform.platform()}
