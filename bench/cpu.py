"""CPU each process of a running stack used: utime + stime from ``/proc/<pid>/stat``.

Every process of the stack, the embedded PostgreSQL (its server and backends) and NATS, and the
load client itself. Processes that exit between two snapshots are not counted; a PostgreSQL named
by ``DATABASE_URL`` is not a child of ours and is not counted either.
"""

from __future__ import annotations

import os
from pathlib import Path

from devstack.stack import Stack

_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[str, int, float] | None:
    """The command name, parent pid and CPU seconds (user + system) of a process, if it exists."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces or parentheses itself.
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    return name, int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICKS


def cpu_snapshot(stack: Stack) -> dict[int, tuple[str, float]]:
    """CPU seconds used so far by this process and each of its descendants, by pid, with a label.

    A descendant is labelled by the child of ours it descends from: the stack's name for it
    (``orders``, ``orders-2``, ``gateway``, …), else its command name (``postgres``, ``nats-server``).
    """
    stats: dict[int, tuple[str, int, float]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            stats[int(entry.name)] = stat
    me = os.getpid()
    named = {process.popen.pid: name for name, process in stack.processes.items()}
    snapshot: dict[int, tuple[str, float]] = {}
    if me in stats:
        snapshot[me] = ("bench client", stats[me][2])
    for pid, (_, _, seconds) in stats.items():
        top, parent = pid, stats[pid][1]
        while parent != me and parent in stats and parent > 1:
            top, parent = parent, stats[parent][1]
        if parent == me and pid != me:
            snapshot[pid] = (named.get(top, stats[top][0]), seconds)
    return snapshot


def cpu_used(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]) -> dict[str, float]:
    """CPU seconds each label used between two snapshots (a process born meanwhile counts in full)."""
    used: dict[str, float] = {}
    for pid, (label, seconds) in after.items():
        used[label] = used.get(label, 0.0) + seconds - (before[pid][1] if pid in before else 0.0)
    return {label: round(seconds, 2) for label, seconds in sorted(used.items())}
