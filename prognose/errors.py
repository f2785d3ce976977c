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


# Every kind of warning the readers know, with what the engine did about it (da, en).
WARNINGS: dict[str, tuple[str, str]] = {
    "duplicate_row": ("præcis ens rækker: læst én gang", "exact duplicate rows: read once"),
    "plan_step_same_date": ("flere plantrin for samme bevilling og dato: den senere række i filen gælder",
                            "several plan steps for one grant and date: the later row in the file applies"),
    "separator_row": ("rækker med kun skilletegn: sprunget over", "rows of only separators: skipped"),
    "total_row": ("sumrække (I alt) nederst: sprunget over", "total row (I alt) at the bottom: skipped"),
    "title_row": ("rækker over kolonneoverskrifterne: sprunget over", "rows above the header: skipped"),
    "midnight_time": ("datoer med klokkeslættet 00:00: læst som datoen", "dates with a midnight time: read as the date"),
    "paragraph_subsection": ("paragraf med stykke (stk.): læst som paragraffen",
                             "paragraph with a subsection (stk.): read as the paragraph"),
    "as_of_past_data": ("opgørelsesdatoen ligger efter den seneste bogføringsmåned",
                        "the as-of date lies after the latest posting month"),
}


SHOWN_LINES = 5


@dataclass(frozen=True)
class InputWarning:
    """Rows of one file the engine read in the one way a controller would: what kind, how many,
    and the first of their lines."""

    kind: str
    file: str
    lines: tuple[int, ...] = ()
    count: int = 1
    detail: tuple[str, str] = ("", "")     # more about them (da, en)

    def __post_init__(self) -> None:
        if self.kind not in WARNINGS:
            raise ValueError(f"unknown warning kind {self.kind}")
        object.__setattr__(self, "lines", tuple(int(x) for x in self.lines[:SHOWN_LINES]))
        object.__setattr__(self, "detail", tuple(scrub_text(d)[:160] for d in self.detail))

    @classmethod
    def rows(cls, kind: str, file: str, lines, detail: tuple[str, str] = ("", "")) -> list["InputWarning"]:
        """One warning for these rows (none when there are none)."""
        lines = list(lines)
        return [cls(kind, file, tuple(lines[:SHOWN_LINES]), len(lines), detail)] if lines else []

    def text(self, lang: str) -> str:
        what = WARNINGS[self.kind][0 if lang == "da" else 1]
        word = "linje" if lang == "da" else "line"
        where = ""
        if self.lines:
            more = ", …" if self.count > len(self.lines) else ""
            where = f" ({word} {', '.join(map(str, self.lines))}{more})"
        said = self.detail[0 if lang == "da" else 1]
        detail = f"; {said}" if said else ""
        return f"{self.file}: {self.count} × {what}{where}{detail}"

    def as_problem(self) -> Problem:
        line = self.lines[0] if self.lines else None
        what = WARNINGS[self.kind][1].split(":")[0]
        return Problem(self.file, line, None, None, f"{what} ({self.count}): a warning, an error under --strict")

    def as_dict(self) -> dict:
        return {"kind": self.kind, "file": self.file, "count": self.count, "lines": list(self.lines),
                "text": {"da": self.text("da"), "en": self.text("en")}}


class InputError(Exception):
    """Raised at the edge when reading found problems; carries all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the input")


class UsageError(Exception):
    """A wrong option or missing workspace: one line for the user, exit status 2."""
