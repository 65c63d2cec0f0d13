"""The catalogue token: one value that changes with every change to the catalogue.

The ``catalog_state`` row holds a random token that changes in the same
transaction as any change to brands, ingredients, indications, products or their
pictures (a ``before_flush`` hook sees ORM changes, a ``do_orm_execute`` hook bulk
statements run through the session). Each process keeps its facet index for one token
(shop.catalog.facets) and builds it again when the token moves, and the public
pages' ETags carry it, so every worker and host sees a change at once. A
rolled-back change leaves the old token, which still describes the data.
"""

from __future__ import annotations

import uuid

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from shop.catalog.models import (
    Brand,
    CatalogImage,
    CatalogState,
    Indication,
    Ingredient,
    Product,
    ProductImage,
    ProductIngredient,
    ProductProfession,
    product_indications,
)
from shop.database import utcnow
from shop.extensions import db

STATE_ID = 1
CATALOG_MODELS = (
    Brand,
    Ingredient,
    Indication,
    Product,
    ProductIngredient,
    ProductProfession,
    ProductImage,
    CatalogImage,
)
CATALOG_TABLES = frozenset(
    [*(model.__table__.name for model in CATALOG_MODELS), product_indications.name]
)


_CURRENT_TOKEN = select(CatalogState.token).where(CatalogState.id == STATE_ID)


def current_token() -> str:
    """The token as the database has it now ("none" before the first change)."""
    return db.session.scalar(_CURRENT_TOKEN) or "none"


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
def _bump_on_catalog_change(session: Session, _context, _instances) -> None:
    changed = (
        obj
        for obj in (*session.new, *session.dirty, *session.deleted)
        if isinstance(obj, CATALOG_MODELS)
    )
    if any(
        obj in session.new or obj in session.deleted or session.is_modified(obj) for obj in changed
    ):
        bump_token(session)


@event.listens_for(Session, "do_orm_execute")
def _bump_on_bulk_statement(state) -> None:
    """INSERT, UPDATE and DELETE statements run through the session skip the flush: catch them too."""
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in CATALOG_TABLES:
            bump_token(state.session)
