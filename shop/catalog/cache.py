"""A catalogue cache that every catalogue change invalidates, on every worker and host.

The ``catalog_state`` row holds a random token that changes in the same
transaction as any change to brands, ingredients, indications or products
(a ``before_flush`` hook sees them). Cache keys carry the token, so a reader
that sees the new data also sees the new token and never an old entry; old
entries simply age out. A rolled-back change leaves the old token, whose
entries still describe the data.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from shop.catalog.models import (
    Brand,
    CatalogState,
    Indication,
    Ingredient,
    Product,
    ProductIngredient,
    ProductProfession,
)
from shop.database import utcnow
from shop.extensions import cache, db

STATE_ID = 1
CATALOG_MODELS = (Brand, Ingredient, Indication, Product, ProductIngredient, ProductProfession)

T = TypeVar("T")


def current_token() -> str:
    return (
        db.session.scalar(select(CatalogState.token).where(CatalogState.id == STATE_ID)) or "none"
    )


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


def cached(namespace: str, key: str, build: Callable[[], T], *, token: str | None = None) -> T:
    """The value cached under (catalogue token, namespace, key), built on a miss."""
    digest = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
    full_key = f"catalog:{token or current_token()}:{namespace}:{digest}"
    value: Any = cache.get(full_key)
    if value is None:
        value = build()
        cache.set(full_key, value)
    return value
