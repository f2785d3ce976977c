"""Reading a settings file (prognose.toml, buffers.toml) as the editors on a municipality's desks
save it: UTF-8 with or without the byte-order mark Notepad writes, or UTF-16 with its mark; any
other encoding (Windows-1252 from an old editor) is refused with what to do, never guessed."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from prognose.errors import Problem

_UTF16 = (b"\xff\xfe", b"\xfe\xff")


def load_toml(path: Path, name: str) -> tuple[dict[str, Any], Problem | None]:
    """The file's settings ({} when there is none), or the one problem that keeps them unread."""
    if not path.exists():
        return {}, None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-16") if raw[:2] in _UTF16 else raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        return {}, Problem(name, line, None, None, "text saved as UTF-8 (in Notepad: Save as → Encoding: UTF-8)")
    try:
        return tomllib.loads(text), None
    except tomllib.TOMLDecodeError as e:
        return {}, Problem(name, getattr(e, "lineno", None), None, None, f"valid TOML ({e})")
