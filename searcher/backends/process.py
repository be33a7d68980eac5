"""Stage 4: who a build is (pid, start time, host), so that the one that finds a build's
traces — a held lock, a half-loaded cluster index — can tell a live build from a dead one."""

from __future__ import annotations

import os
import socket
import time


def started(pid: int) -> str:
    """The start time of process *pid* in clock ticks after boot (Linux), else ""."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
        return stat[stat.rindex(b")") + 2 :].split()[19].decode()
    except (OSError, ValueError, IndexError):
        return ""


def me() -> dict:
    """This process as a build records itself."""
    return {"pid": os.getpid(), "started": started(os.getpid()), "host": socket.gethostname(),
            "since": time.time()}


def alive(pid: int, start: str, host: str) -> bool:
    """False only when the process is surely gone (same host, no such process, or a
    later process with its pid); a process on another host counts as alive."""
    if host != socket.gethostname():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        pass  # another user's process: it exists
    return not start or started(pid) in ("", start)
