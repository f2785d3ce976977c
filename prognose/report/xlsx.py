"""Writing a worksheet of the director's report: formats, and a sheet with a cursor that records the
value every formula must give (excel.render returns them for `make check-report`)."""

from __future__ import annotations

import datetime as dt

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from prognose.words.locale import date_text


# a negative figure is not marked: red is for an overspend past display.highlight_percent alone, and
# an underspend, a falling forecast or an initiative's saving is no alarm
MONEY = '#,##0;-#,##0'
MONEY_ORE = '#,##0.00;-#,##0.00'
PCT = '0.0%;-0.0%'
DATE = 'yyyy-mm-dd'
DATE_DA = 'dd.mm.yyyy'
MONTH = 'yyyy-mm'
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDE4EE")
OVER_FILL = PatternFill("solid", fgColor="F8D7D3")
TOTAL_FILL = PatternFill("solid", fgColor="EEF1F5")


def date_format(lang: str) -> str:
    return DATE_DA if lang == "da" else DATE


TEXT = object()     # put()'s default for `expect`: the value is data, not a formula


class Sheet:
    """A worksheet with a cursor, header rows and the expected value of every formula written."""

    def __init__(self, ws: Worksheet, expected: dict):
        self.ws, self.expected, self.widths = ws, expected, {}

    def put(self, row: int, col: int, value, fmt: str | None = None, bold: bool = False, fill=None, expect=TEXT):
        """A formula is a string starting with '=' that comes with the value it should give
        (`expect`); any other text is data, written as text even when it starts with = + - @ (an
        account or an id from the extract must never become a live formula)."""
        c = self.ws.cell(row=row, column=col, value=value)
        if isinstance(value, str) and value[:1] in "=+-@" and expect is TEXT:
            c.data_type = "s"
        if fmt:
            c.number_format = fmt
        if bold:
            c.font = BOLD
        if fill is not None:
            c.fill = fill
        if isinstance(value, str) and value.startswith("=") and expect is not TEXT:
            self.expected[(self.ws.title, c.coordinate)] = expect
        elif value is not None and not (isinstance(value, str) and len(value) > 60):
            text = value.strftime("%Y-%m-%d") if isinstance(value, (dt.date, dt.datetime)) else str(value)
            width = len(text) + 2 if not isinstance(value, (int, float)) else len(f"{value:,.0f}") + 3
            self.widths[col] = max(self.widths.get(col, 8), min(width, 60))
        return c

    def header(self, row: int, labels: list[str], wrap: bool = True) -> None:
        """A header row; where a label may wrap, the row has room for two lines."""
        for i, text in enumerate(labels, start=1):
            c = self.put(row, i, text, bold=True, fill=HEAD_FILL)
            c.alignment = Alignment(wrap_text=wrap, vertical="top")
        if wrap and any(" " in text and len(text) > 12 for text in labels):
            self.ws.row_dimensions[row].height = 28

    def finish(self, rep, t: dict, title_rows: str | None, freeze: str | None, extra_widths: dict | None = None,
               pages_high: int = 0) -> None:
        """pages_high: 1 keeps the sheet on one page (the overview a director reads first); 0 lets it run on."""
        for col, w in {**self.widths, **(extra_widths or {})}.items():
            self.ws.column_dimensions[get_column_letter(col)].width = w
        if freeze:
            self.ws.freeze_panes = freeze
        ps = self.ws.page_setup
        ps.orientation = "landscape"
        ps.paperSize = self.ws.PAPERSIZE_A4
        ps.fitToWidth, ps.fitToHeight = 1, pages_high
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        if title_rows:
            self.ws.print_title_rows = title_rows
        d = date_text(rep.as_of, rep.lang)
        self.ws.oddHeader.center.text = t["header"].format(year=rep.year, d=d)
        self.ws.oddFooter.right.text = t["footer"]
        self.ws.oddFooter.left.text = "prognose " + rep.engine_version


