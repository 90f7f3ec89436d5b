"""Background work at a lower CPU priority than the thread that answers the user.

The worker runs in a process of its own (core/worker_process.py); on Linux its worker thread
lowers itself and what it starts (niceness is a thread's own there), elsewhere the whole
process is lowered as it starts.

The worker's decode threads and the model's own threads keep both cores of a small machine
busy; at the same priority the scheduler let the desktop app's UI thread wait behind them for
up to 75 ms while indexing (README, "The desktop app"). A lower priority gives the cores to the
UI thread the moment it wakes and costs indexing nothing when it is idle.
"""

from __future__ import annotations

import logging
import os
import sys
import threading

__all__ = ["BACKGROUND_NICE", "lower_this_process", "lower_this_thread"]

log = logging.getLogger(__name__)

BACKGROUND_NICE = 10  # added to the thread's niceness (0 to 19 on Linux; higher runs later)
_whole_process = threading.Event()  # set once `lower_this_process` lowered everything to come


def lower_this_thread(step: int = BACKGROUND_NICE) -> bool:
    """Lower the calling thread's CPU priority by `step`; threads it starts afterwards (decode
    threads, ONNX Runtime's pool) inherit it. Linux only, where niceness is a thread's own;
    elsewhere, or where refused, nothing changes. True if it changed."""
    if not sys.platform.startswith("linux") or _whole_process.is_set():
        return False
    return _lower(threading.get_native_id(), step)


def _lower(tid: int, step: int) -> bool:
    try:
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + step))
    except OSError as exc:  # a sandbox may refuse, the thread may have ended: runs as before
        log.debug("cannot lower thread %d's priority: %s", tid, exc)
        return False
    return True


def lower_this_process(step: int = BACKGROUND_NICE) -> bool:
    """Lower the whole process below normal priority by `step`. On Linux each of its threads is
    lowered (a library may have started some as it was imported: OpenBLAS does) and threads
    started later inherit it (`lower_this_thread` then changes nothing); elsewhere a priority
    is the process's own. A step of 0 marks a process its parent started lowered (Linux) as
    such. True if it changed, or was marked."""
    if sys.platform.startswith("linux"):
        if _whole_process.is_set():
            return False
        tids = [int(t) for t in os.listdir("/proc/self/task")]
        lowered = all([_lower(tid, step) for tid in tids])
        if lowered:
            _whole_process.set()
        return lowered
    try:
        if sys.platform == "win32":
            import ctypes

            below_normal = 0x4000  # BELOW_NORMAL_PRIORITY_CLASS
            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            return bool(kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), below_normal))
        now = os.getpriority(os.PRIO_PROCESS, 0)
        os.setpriority(os.PRIO_PROCESS, 0, min(19, now + step))
    except (OSError, AttributeError) as exc:
        log.debug("cannot lower the worker process's priority: %s", exc)
        return False
    return True
