"""Child-process lifetime helpers shared by the embedded servers."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path


def pdeathsig_prefix(signame: str) -> list[str]:
    """Return a command prefix that signals the child when its parent dies.

    Uses util-linux ``setpriv --pdeathsig`` so no ``preexec_fn`` is needed.
    The kernel sends the signal when the *thread* that forked the child exits,
    so the prefix is only returned on the main thread (whose exit is the
    process exit); elsewhere, and where ``setpriv`` is missing, callers rely
    on their ``atexit`` hooks instead.
    """
    if threading.current_thread() is not threading.main_thread():
        return []
    setpriv = shutil.which("setpriv")
    return [setpriv, f"--pdeathsig={signame}", "--"] if setpriv else []


def log_tail(path: Path, lines: int = 40) -> str:
    """Return the last ``lines`` lines of a server log, for error messages."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no server log)"
    return "\n".join(text.splitlines()[-lines:]) or "(server log is empty)"
