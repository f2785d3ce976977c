"""Wall-clock time per step of one run, reported with --verbose (where a slow extract spends its
time). The command owns the clock and hands its `step` to the forecast; the engine keeps no time."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class Clock:
    steps: list[tuple[str, float]] = field(default_factory=list)

    def step(self, name: str, fn, *args):
        """fn(*args), timed as step `name`."""
        start = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.steps.append((name, time.perf_counter() - start))

    def report(self) -> list[str]:
        return [f"{name}: {seconds:.2f} s" for name, seconds in self.steps]
