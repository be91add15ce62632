"""A private PostgreSQL server for tests that must stop or restart their database.

The shared server (`$SCRAPER_TEST_POSTGRES`) is used by other tests and people, so it is never
restarted; this one lives in a temporary folder, on a free loopback port, for one test. As root
(`initdb` refuses root) its binaries run as the `postgres` OS user. Without usable binaries the
test is skipped with one reason line; under CI (`CI=true`) that is a failure instead, as for
the shared server (see `tests/stores.py`).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import psycopg
import pytest

NO_SERVER = "Cannot start a private PostgreSQL server:"  # how every such skip begins (conftest)
BIN_DIRS = "/usr/lib/postgresql/*/bin"  # Debian's layout (the newest version is used)


def _bin_dir() -> Path | None:
    """Where initdb and pg_ctl are: `$SCRAPER_TEST_PG_BIN`, Debian's folder or the PATH."""
    if env := os.environ.get("SCRAPER_TEST_PG_BIN"):
        return Path(env)
    found = [p for p in Path("/").glob(BIN_DIRS.lstrip("/")) if p.parent.name.isdigit()]
    if found:
        return max(found, key=lambda p: int(p.parent.name))
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateServer:
    """One PostgreSQL server of the test's own: trust auth, loopback only, no fsync."""

    def __init__(self, bin_dir: Path, folder: Path, as_user: str | None) -> None:
        self.bin_dir = bin_dir
        self.folder = folder
        self.data = folder / "data"
        self.port = _free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._prefix = ["runuser", "-u", as_user, "--"] if as_user else []

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self._prefix, *args], capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(args)}: exit {done.returncode}\n{done.stdout}"
                f"{done.stderr}\n{self.log()[-3000:]}"
            )

    def _pg_ctl(self, *args: str) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"
        )
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "30",
            *args,
        )

    def init(self) -> None:
        self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.data),
            "--auth=trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        )

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: `fast` ends every session (their transactions rolled back)."""
        self._pg_ctl("-m", mode, "stop")

    def discard(self) -> None:
        """Stop the server at once if it runs (after the test: its data is deleted next)."""
        with suppress(RuntimeError):  # it was not running (or never started)
            self.stop("immediate")

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _unusable(bin_dir: Path | None) -> str | None:
    """Why no private server can be started here, or None when one can."""
    if bin_dir is None or not (bin_dir / "initdb").is_file():
        return f"no initdb found ({BIN_DIRS}, PATH or $SCRAPER_TEST_PG_BIN)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no `postgres` user to run initdb as"
        if shutil.which("runuser") is None:
            return "running as root and there is no `runuser` to run initdb as `postgres`"
    return None


@contextmanager
def private_postgres() -> Iterator[PrivateServer]:
    """A fresh server, started; stopped and deleted after (skipped, or failed under CI, when
    it cannot be had)."""
    bin_dir = _bin_dir()
    reason = _unusable(bin_dir)
    if reason is not None:
        message = f"{NO_SERVER} {reason}"
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"{message} (CI=true: the PostgreSQL restart tests must run)", pytrace=False
            )
        pytest.skip(message)
    assert bin_dir is not None
    as_user = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="scraper-pg-"))  # short: the socket path is limited
    if as_user:
        entry = pwd.getpwnam(as_user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    server = PrivateServer(bin_dir, folder, as_user)
    try:
        server.init()
        server.start()
        with psycopg.connect(server.url, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
        yield server
    finally:
        server.discard()
        shutil.rmtree(folder, ignore_errors=True)
