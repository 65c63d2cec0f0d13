"""A catalogue cache that every catalogue change invalidates, on every worker and host.

The ``catalog_state`` row holds a random token that changes in the same
transaction as any change to brands, ingredients, indications or products
(a ``before_flush`` hook sees ORM changes, a ``do_orm_execute`` hook bulk
statements run through the session). Cache keys carry the token, so a reader
that sees the new data also sees the new token and never an old entry; old
entries simply age out. A rolled-back change leaves the old token, whose
entries still describe the data.

What is cached is what every visitor sees alike (shop.catalog.pages): listing
rows, facet counts, product facts, never a visitor's price visibility, verdict,
token or name. ``cached_with_live`` reads the token and the page's live figures
(stock, from inventory) in one round trip: it looks the page up under the token
this process saw last, and the caller's statement returns both the current
token and the figures. Only when the token has moved does it read again.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from sqlalchemy import Select, event, null, select
from sqlalchemy.orm import Session

from shop.catalog.models import (
    Brand,
    CatalogState,
    Indication,
    Ingredient,
    Product,
    ProductIngredient,
    ProductProfession,
    product_indications,
)
from shop.database import utcnow
from shop.extensions import cache, db
from shop.lru import LRU

STATE_ID = 1
CATALOG_MODELS = (Brand, Ingredient, Indication, Product, ProductIngredient, ProductProfession)

T = TypeVar("T")


# Built once: this runs on every catalogue request, so it skips the ORM layer too.
_state = CatalogState.__table__
_CURRENT_TOKEN = select(_state.c.token).where(_state.c.id == STATE_ID)


def current_token() -> str:
    return db.session.connection().execute(_CURRENT_TOKEN).scalar() or "none"


def bump_token(session: Session) -> str:
    """Give the catalogue a new token inside the caller's transaction."""
    token = uuid.uuid4().hex
    state = session.get(CatalogState, STATE_ID)
    if state is None:
        session.add(CatalogState(id=STATE_ID, token=token, changed_at=utcnow()))
    else:
        state.token = token
        state.changed_at = utcnow()
    return token


@event.listens_for(Session, "before_flush")
def _invalidate_on_catalog_change(session: Session, _context, _instances) -> None:
    changed = (
        obj
        for obj in (*session.new, *session.dirty, *session.deleted)
        if isinstance(obj, CATALOG_MODELS)
    )
    if any(
        obj in session.new or obj in session.deleted or session.is_modified(obj) for obj in changed
    ):
        bump_token(session)


CATALOG_TABLES = frozenset(
    [*(model.__table__.name for model in CATALOG_MODELS), product_indications.name]
)


@event.listens_for(Session, "do_orm_execute")
def _invalidate_on_bulk_statement(state) -> None:
    """INSERT, UPDATE and DELETE statements run through the session skip the flush: catch them too."""
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in CATALOG_TABLES:
            bump_token(state.session)


def _cache_key(token: str, namespace: str, key: str) -> str:
    digest = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
    return f"catalog:{token}:{namespace}:{digest}"


class _Unpickled:
    """The entries this process used last, as objects.

    The cache (in-process or Redis) stores pickles: unpickling a listing page's
    data and fragments cost about 0.1 ms a request, a tenth of the whole page. An
    entry here is used only while the cache still has its key (an existence check,
    no unpickling), so the cache stays the one truth: cleared, expired or evicted
    there means gone here. Keys carry the catalogue token, so an entry never changes.
    """

    def __init__(self, size: int) -> None:
        self.recent = LRU(size)

    @staticmethod
    def _local_key(full_key: str) -> str:
        # Per cache backend: several apps in one process (tests) each have their own.
        return f"{id(cache.cache)}:{full_key}"

    def get(self, full_key: str) -> Any:
        value = self.recent.get(self._local_key(full_key))
        if value is not None and cache.has(full_key):
            return value
        value = cache.get(full_key)
        if value is not None:
            self.put(full_key, value)
        return value

    def put(self, full_key: str, value: Any) -> None:
        self.recent.put(self._local_key(full_key), value)


_unpickled = _Unpickled(size=128)


def cached(namespace: str, key: str, build: Callable[[], T], *, token: str) -> T:
    """The value cached under (catalogue token, namespace, key), built on a miss."""
    full_key = _cache_key(token, namespace, key)
    value: Any = _unpickled.get(full_key)
    if value is None:
        value = build()
        cache.set(full_key, value)
        _unpickled.put(full_key, value)
    return value


def token_row(width: int) -> Select:
    """The token as the last column of a row of ``width`` columns (the others NULL).

    For a caller that reads live figures of a cached page (inventory's stock) in
    the same statement as the token: it appends this row to its own with UNION ALL.
    """
    return select(*[null()] * (width - 1), _state.c.token).where(_state.c.id == STATE_ID)


class HasProducts(Protocol):
    @property
    def product_ids(self) -> list[int]: ...  # the products whose live figures the page shows


P = TypeVar("P", bound=HasProducts)
L = TypeVar("L")
# Reads the current token and the live figures of these products, in one round trip.
LiveReader = Callable[[list[int]], tuple[str, L]]

# The token this process saw last: a guess, always checked against the database.
_last_token: str | None = None


# cached_with_live's ``seen`` when the caller has not looked (the default).
NOT_LOOKED: Any = object()


def last_seen(namespace: str, key: str) -> tuple[str, Any] | None:
    """The page cached under the token this process saw last, with that token; None if
    there is none. No statement: a guess, which cached_with_live checks."""
    guess = _last_token
    if guess is None:
        return None
    page = _unpickled.get(_cache_key(guess, namespace, key))
    return None if page is None else (guess, page)


def cached_with_live(
    namespace: str,
    key: str,
    build: Callable[[], P],
    read_live: LiveReader[L],
    *,
    seen: tuple[str, P] | None = NOT_LOOKED,
) -> tuple[P, L]:
    """A cached page and the live figures of its products; usually one round trip.

    The page is looked up under the token this process saw last (or ``seen``, what
    last_seen answered the caller), and ``read_live`` returns the current token with
    the figures: only when the token has moved is the page built (or found) again
    under the new one.
    """
    global _last_token
    if seen is NOT_LOOKED:
        seen = last_seen(namespace, key)
    token = None
    if seen is not None:
        guess, page = seen
        token, live = read_live(page.product_ids)
        if token == guess:
            return page, live
    if token is None:  # not read yet (no guess, or no page under it)
        token = current_token()
    _last_token = token
    page = cached(namespace, key, build, token=token)
    _, live = read_live(page.product_ids)
    return page, live
