"""Running the cluster's processes: each started to die with the process that started it
(PR_SET_PDEATHSIG), its health asked, its log's tail shown, its whole group stopped, and the memory
of a process and its descendants read (psutil).
"""
from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

from deploy.config import log

try:  # resolved here, not in the child between fork and exec
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not Linux
    _prctl = None
PR_SET_PDEATHSIG = 1


def die_with_parent_of(parent: int):
    def before_exec() -> None:
        """In the child: SIGTERM when the starting thread's process ends, however it ends (even kill -9)."""
        if _prctl is not None:
            _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # it ended before the line above
            os._exit(1)
    return before_exec


def descendants(pid: int) -> list[int]:
    """Every process under `pid` (children, theirs, ...); none once it has ended."""
    import psutil  # lazy: `nginx-config` runs with a bare Python on the proxy's machine, where psutil may not be

    try:
        return [child.pid for child in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB; one that ends meanwhile counts 0."""
    import psutil  # lazy: `nginx-config` runs with a bare Python on the proxy's machine, where psutil may not be

    total = 0
    for each in [pid, *descendants(pid)]:
        try:
            total += psutil.Process(each).memory_info().rss // 1024
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
            return response.read().strip() == b"ok"
    except (OSError, urllib.error.URLError):
        return False


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def stop_process(process: subprocess.Popen, name: str, sig: int = signal.SIGTERM, grace: float = 15) -> None:
    """Signal the process's whole group, wait, then SIGKILL the group."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            log(f"{name} did not stop within {grace:.0f} s; killing it")
    try:
        os.killpg(process.pid, signal.SIGKILL)  # anything of its group still there
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
