"""Problems and warnings found in input, collected as data (file, line, column, value, what).

Readers never raise on the first bad value: they collect every problem, and the command line
prints them all and exits with status 2. A *warning* is where one reading of the input is what
any controller would choose (an exact duplicate row read once, a total row skipped): the engine
reads it that way and says so, and `--strict` turns every warning into a problem. Values are
scrubbed of CPR numbers before they are stored here, so no message can leak one.
"""

from __future__ import annotations

from dataclasses import dataclass

from prognose.privacy import scrub_text
from prognose.words.locale import catalogue
from prognose.words.message import Message


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


# Every kind of warning the readers know; what the engine did about each is the catalogues'
# "warning.<kind>" (words/).
WARNINGS = ("duplicate_row", "plan_step_same_date", "separator_row", "total_row", "title_row", "midnight_time",
            "paragraph_subsection", "as_of_past_data", "control_characters")


SHOWN_LINES = 5


@dataclass(frozen=True)
class InputWarning:
    """Rows of one file the engine read in the one way a controller would: what kind, how many,
    the first of their lines, and more about them (a message, in words where it is shown)."""

    kind: str
    file: str
    lines: tuple[int, ...] = ()
    count: int = 1
    detail: Message | None = None

    def __post_init__(self) -> None:
        if self.kind not in WARNINGS:
            raise ValueError(f"unknown warning kind {self.kind}")
        object.__setattr__(self, "lines", tuple(int(x) for x in self.lines[:SHOWN_LINES]))
        object.__setattr__(self, "file", scrub_text(self.file))

    @classmethod
    def rows(cls, kind: str, file: str, lines, detail: Message | None = None) -> list["InputWarning"]:
        """One warning for these rows (none when there are none)."""
        lines = list(lines)
        return [cls(kind, file, tuple(lines[:SHOWN_LINES]), len(lines), detail)] if lines else []

    def message(self) -> Message:
        """The warning as a person reads it: file, count, what was done, where, and more."""
        more = ", …" if self.count > len(self.lines) else ""
        where = Message("warning.where", lines=", ".join(map(str, self.lines)) + more) if self.lines else None
        return Message("warning.text", file=self.file, count=self.count, kind=f"warning.{self.kind}", where=where,
                       detail=Message("warning.detail", detail=self.detail) if self.detail is not None else None)

    def as_problem(self) -> Problem:
        line = self.lines[0] if self.lines else None
        what = catalogue("en")[f"warning.{self.kind}"].split(":")[0]
        return Problem(self.file, line, None, None, f"{what} ({self.count}): a warning, an error under --strict")


class InputError(Exception):
    """Raised at the edge when reading found problems; carries all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the input")


class UsageError(Exception):
    """A wrong option or missing workspace: one line for the user, exit status 2."""
