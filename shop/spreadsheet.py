"""CSV cells that a spreadsheet opens as text, never runs as a formula.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a
formula to a spreadsheet (a buyer may name themselves ``=HYPERLINK(...)``), so it
is written with a leading ``'``. A cell that already starts with quotes before such
a character gets one more, so that ``unguard_cell`` gives back exactly what was
guarded and an exported file imports unchanged.
"""

from __future__ import annotations

import re

_GUARDED = re.compile(r"^'*[=+\-@\t\r]")
_PREFIXED = re.compile(r"^'+[=+\-@\t\r]")


def guard_cell(text: str) -> str:
    return "'" + text if _GUARDED.match(text) else text


def unguard_cell(text: str) -> str:
    """The text ``guard_cell`` was given, from what it wrote."""
    return text[1:] if _PREFIXED.match(text) else text
