"""Cached text with live holes ("donut caching").

A catalogue page is the same for everyone until the catalogue changes, except
its stock figures, which move with every order. The page is rendered once with
a marker where each product's stock goes, split into a Stencil and cached;
each request only fills the holes (a join, no template, no query but stock).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from markupsafe import Markup

# ASCII record and unit separators: never in catalogue text, and kept by Jinja as they are.
_OPEN, _CLOSE = "\x1e", "\x1f"
_HOLE = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
# json.dumps escapes control characters, so in JSON a hole is the quoted string "\u001eN\u001f".
_JSON_HOLE = re.compile(r'"\\u001e(\d+)\\u001f"')


def hole(key: int) -> Markup:
    """The marker a template or a JSON payload puts where a live value goes."""
    return Markup(f"{_OPEN}{int(key)}{_CLOSE}")


@dataclass(frozen=True)
class Stencil:
    parts: tuple[str, ...]  # text, key, text, key, ..., text (keys as str)

    @classmethod
    def from_text(cls, text: str) -> Stencil:
        return cls(tuple(_HOLE.split(text)))

    @classmethod
    def from_json(cls, text: str) -> Stencil:
        return cls(tuple(_JSON_HOLE.split(text)))

    @property
    def keys(self) -> list[int]:
        return [int(key) for key in self.parts[1::2]]

    def fill(self, values: Mapping[int, str] | Callable[[int], str]) -> str:
        get = values if callable(values) else values.__getitem__
        parts = list(self.parts)
        for index in range(1, len(parts), 2):
            parts[index] = get(int(parts[index]))
        return "".join(parts)
