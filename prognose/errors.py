"""Problems found in input, collected as data (file, line, column, value, expected).

Readers never raise on the first bad value: they collect every problem, and the command line
prints them all and exits with status 2. Values are scrubbed of CPR numbers before they are
stored here, so no message can leak one.
"""

from __future__ import annotations

from dataclasses import dataclass

from prognose.privacy import scrub_text


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    column: str | None
    value: str | None
    expected: str

    def __post_init__(self) -> None:
        if self.value is not None:
            object.__setattr__(self, "value", scrub_text(str(self.value))[:60])

    def render(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column {self.column}"
        if self.value is not None:
            return f"{where}: {self.value!r} — expected {self.expected}"
        return f"{where}: {self.expected}"


class InputError(Exception):
    """Raised at the edge when reading found problems; carries all of them."""

    def __init__(self, problems: list[Problem], hidden: int = 0):
        self.problems = problems
        self.hidden = hidden
        super().__init__(f"{len(problems) + hidden} problem(s) in the input")


class UsageError(Exception):
    """A wrong option or missing workspace: one line for the user, exit status 2."""
