"""Free-text search: one normalisation for stored text and for queries.

Text is folded to lower case without accents and split on anything that is
not a letter or a digit, so "Décolleté" finds "decollete" and "co-q10" finds
"Co-Q10". Every word of a query must occur; matches in the name weigh more
than matches in the ingredients, which weigh more than the description.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, case, literal

MAX_QUERY_WORDS = 8
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped).strip()


def normalise_many(parts: Iterable[str]) -> str:
    # Leading and trailing spaces let a word match whole at the very start or end too.
    return " " + " ".join(filter(None, (normalise(part) for part in parts))) + " "


def query_words(q: str) -> list[str]:
    words: list[str] = []
    for word in normalise(q).split():
        if word not in words:
            words.append(word)
    return words[:MAX_QUERY_WORDS]


def match_all_words(column, words: list[str]) -> ColumnElement[bool]:
    return and_(*(column.contains(word, autoescape=True) for word in words))


def relevance_score(name_column, keywords_column, words: list[str]) -> ColumnElement[int]:
    """3 per word found in the name, 2 in brand or ingredients, 1 elsewhere."""
    score: ColumnElement[int] = literal(0)
    for word in words:
        score = score + case(
            (name_column.contains(word, autoescape=True), 3),
            (keywords_column.contains(word, autoescape=True), 2),
            else_=1,
        )
    return score
