"""Background work at a lower CPU priority than the thread that answers the user.

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

__all__ = ["BACKGROUND_NICE", "lower_this_thread"]

log = logging.getLogger(__name__)

BACKGROUND_NICE = 10  # added to the thread's niceness (0 to 19 on Linux; higher runs later)


def lower_this_thread(step: int = BACKGROUND_NICE) -> bool:
    """Lower the calling thread's CPU priority by `step`; threads it starts afterwards (decode
    threads, ONNX Runtime's pool) inherit it. Linux only, where niceness is a thread's own;
    elsewhere, or where refused, nothing changes. True if it changed."""
    if not sys.platform.startswith("linux"):
        return False
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + step))
    except OSError as exc:  # a sandbox may refuse: indexing runs as before
        log.debug("cannot lower the worker's priority: %s", exc)
        return False
    return True
