"""Shared fixtures: a local test site, configs pointing at it, and the CLI run in-process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scraper.cli import main
from tests.pgserver import NO_SERVER
from tests.stores import UNREACHABLE
from tests.testsite import TestSite

# Each kind of skip for want of PostgreSQL is reported from one place: one summary line each.
SKIP_SOURCES = {UNREACHABLE: "stores.py", NO_SERVER: "pgserver.py"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Every test skipped for want of PostgreSQL is reported from one place: one summary line."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    longrepr = report.longrepr
    if not (report.skipped and isinstance(longrepr, tuple)):
        return
    for reason, module in SKIP_SOURCES.items():
        if reason in str(longrepr[2]):
            report.longrepr = (str(Path(__file__).with_name(module)), 1, longrepr[2])


@pytest.fixture
def site() -> Iterator[TestSite]:
    with TestSite() as test_site:
        yield test_site


@pytest.fixture
def site2() -> Iterator[TestSite]:
    with TestSite("127.0.0.2") as test_site:
        yield test_site


def write_config(
    folder: Path,
    sources: list[dict[str, Any]],
    http: dict[str, Any] | None = None,
    archive: str = "archive",
) -> Path:
    """A config for tests: loopback allowed, no politeness delay, quick retries."""
    settings = {
        "allow_private_addresses": True,
        "per_host_delay": "0s",
        "backoff": "0.05s",
        "timeout": "10s",
        **(http or {}),
    }
    lines = ["[archive]", f"path = {json.dumps(archive)}", "", "[http]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    for source in sources:
        lines += ["", "[[sources]]"]
        lines += [f"{key} = {json.dumps(value)}" for key, value in source.items()]
    path = folder / "scraper.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class Result:
    code: int
    out: str
    err: str

    def jsonl(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run `scraper ARGS...` in-process and return its exit code and output."""

    def run(*args: str) -> Result:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
