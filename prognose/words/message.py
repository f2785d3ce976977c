"""A message as computing code returns it: a catalogue key and the facts it is about (counts,
øre, dates, names, other messages). The words and how each fact is written are chosen where it is
written (words/locale.py), so the same message reads right in every language and format."""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping


class Message:
    """`Message("deaths.explanation", per_year=3.2, fall=123_400)`: the key names the sentence in
    each language's catalogue; the values fill its places (`{fall:kr}` writes øre as kroner)."""

    __slots__ = ("key", "values")

    def __init__(self, key: str, **values: object) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "values", MappingProxyType(values))

    def __setattr__(self, name, value):
        raise AttributeError("a Message is not changed once made")

    def __eq__(self, other) -> bool:
        return isinstance(other, Message) and (self.key, dict(self.values)) == (other.key, dict(other.values))

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        values = ", ".join(f"{k}={v!r}" for k, v in self.values.items())
        return f"Message({self.key!r}{', ' if values else ''}{values})"


Values = Mapping[str, object]
