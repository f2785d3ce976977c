"""Wall-clock time per stage of a run, reported with --verbose (where a slow extract spends its time)."""

from __future__ import annotations

import time
from contextlib import contextmanager

STAGES: list[tuple[str, float]] = []


@contextmanager
def stage(name: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        STAGES.append((name, time.perf_counter() - start))


def timed(name: str, fn, *args):
    """fn(*args), timed as stage `name`."""
    with stage(name):
        return fn(*args)


def report() -> list[str]:
    return [f"{name}: {seconds:.2f} s" for name, seconds in STAGES]
