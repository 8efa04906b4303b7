"""Helper processes that end with the process that started them, kill -9 included."""

from __future__ import annotations

import ctypes
import os
import signal

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when its parent dies (Linux).

    Call first thing in a forked helper, with the parent's pid taken before
    the fork: a helper blocked on a queue would otherwise wait forever, as
    its siblings keep the queue's pipe open.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the check below still helps
        pass
    if os.getppid() != parent:  # the parent died before prctl
        os._exit(1)
