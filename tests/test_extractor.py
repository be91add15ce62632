"""The extraction pool is sized by the CPUs the process may run on, not the machine's."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity"), reason="no CPU affinity on this platform"
)


def pid_after(seconds: float) -> int:
    """Run in a pool process: hold it busy for a while, then say which process it was."""
    time.sleep(seconds)
    return os.getpid()


def pool_processes(cpus: set[int]) -> tuple[int, int]:
    """(Extractor().workers, distinct processes that ran 4 simultaneous tasks) in a fresh
    Python confined to `cpus` (a child, so this test process keeps its own affinity)."""
    script = textwrap.dedent(f"""
        import os
        os.sched_setaffinity(0, {sorted(cpus)!r})
        from scraper.runners.extract_pool import Extractor
        from tests.test_extractor import pid_after
        extractor = Extractor()
        pool = extractor._executor()
        pids = {{f.result() for f in [pool.submit(pid_after, 0.5) for _ in range(4)]}}
        extractor.close()
        print(extractor.workers, len(pids))
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        timeout=120,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    workers, processes = out.split()
    return int(workers), int(processes)


def test_a_process_confined_to_one_cpu_starts_one_extraction_process() -> None:
    one = min(os.sched_getaffinity(0))
    assert pool_processes({one}) == (1, 1)


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs")
def test_a_process_on_two_cpus_starts_two() -> None:
    assert pool_processes(set(sorted(os.sched_getaffinity(0))[:2])) == (2, 2)


def test_the_command_reaps_the_extraction_forkserver_so_its_cpu_is_counted_with_its_own() -> None:
    """The forkserver outlives the pools; at exit the command stops and waits for it, so nothing
    of it outlives the command and `time`/wait4 see the extraction processes' CPU."""
    script = textwrap.dedent("""
        import asyncio, multiprocessing.forkserver as fs, os, resource
        from scraper.cli import reap_forkserver
        from scraper.runners.extract_pool import Extractor

        extractor = Extractor(workers=1)
        html = "<html><body><article><p>" + "Words of an article. " * 200 + "</p></article>"
        article = asyncio.run(extractor(html, "http://example.org/a", None))
        extractor.close()
        server = fs._forkserver._forkserver_pid
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
        reap_forkserver()
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
        try:
            os.kill(server, 0)
            alive = True
        except ProcessLookupError:
            alive = False
        print(len(article.text) > 1000, server is not None, alive, before, after)
    """)
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[1],
        timeout=120,
    )
    extracted, started, alive, before, after = done.stdout.split()
    assert (extracted, started, alive) == ("True", "True", "False"), done.stderr
    assert float(before) == 0.0 and float(after) > 0.2  # its preload and the page's extraction


def first_use_state() -> tuple[int, bool, int]:
    """Run in a pool process before it extracted anything: what its first page would make."""
    import trafilatura.external

    from scraper.dedupe import text

    return (text._tables.cache_info().currsize, bool(trafilatura.external.JT_STOPLIST), os.getpid())


def test_extraction_processes_start_with_what_a_first_page_would_make_made_already() -> None:
    """The forkserver extracts a small page before forking the workers: the folding table and
    justext's merged stop list (0.15-0.35 s a worker) are made once and shared."""
    script = textwrap.dedent("""
        from scraper.runners.extract_pool import Extractor
        from tests.test_extractor import first_use_state
        extractor = Extractor(workers=2)
        pool = extractor._executor()
        print(*(pool.submit(first_use_state).result() for _ in range(2)))
        extractor.close()
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        timeout=120,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.count("(1, True,") == 2, out
