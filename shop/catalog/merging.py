"""Merging two brands, ingredients or indications into one.

Every link of the merged term moves to the survivor without duplicates: a product
linked to both keeps one link, and a composition keeps the line that says more (a
disclosed concentration over none; the survivor's when both disclose one). The
merged term is removed, and its slug, with every old slug that led to it,
redirects to the survivor's.
"""

from __future__ import annotations

from sqlalchemy import select

from shop.accounts.models import User
from shop.audit.services import record_event
from shop.catalog.editing import BRANDS, INGREDIENTS, TermKind, products_of
from shop.catalog.errors import CatalogError
from shop.catalog.models import Indication, Product, ProductIngredient
from shop.catalog.redirects import add_slug_redirect
from shop.catalog.services import refresh_search_text
from shop.extensions import db


def _lock_pair(kind: TermKind, first_id: int, second_id: int) -> None:
    """Lock both terms in primary-key order, so two merges at once wait for each other."""
    db.session.scalars(
        select(kind.model.id)
        .where(kind.model.id.in_(sorted({first_id, second_id})))
        .order_by(kind.model.id)
        .with_for_update()
    ).all()


def _says_more(line: ProductIngredient, other: ProductIngredient) -> bool:
    return line.concentration_value is not None and other.concentration_value is None


def _move_composition(merged, survivor) -> None:
    for product in products_of(INGREDIENTS, merged):
        rows = {row.ingredient_id: row for row in product.composition}
        moving, staying = rows[merged.id], rows.get(survivor.id)
        if staying is None:
            staying = ProductIngredient(ingredient=survivor, position=moving.position)
            staying.concentration_value = moving.concentration_value
            staying.concentration_unit = moving.concentration_unit
            product.composition.append(staying)
        elif _says_more(moving, staying):
            staying.concentration_value = moving.concentration_value
            staying.concentration_unit = moving.concentration_unit
        product.composition.remove(moving)  # delete-orphan removes its row
        refresh_search_text(product)


def _move_indications(merged, survivor) -> None:
    for product in db.session.scalars(
        select(Product).where(Product.indications.any(Indication.id == merged.id))
    ):
        links = [indication for indication in product.indications if indication.id != merged.id]
        if survivor not in links:
            links.append(survivor)
        product.indications = links
        refresh_search_text(product)


def _move_brand(merged, survivor) -> None:
    for product in products_of(BRANDS, merged):
        product.brand = survivor
        refresh_search_text(product)


def merge_terms(actor: User, kind: TermKind, merged_id: int, survivor_id: int, *, reason: str = ""):
    """Fold the term ``merged_id`` into ``survivor_id``; returns the survivor."""
    if merged_id == survivor_id:
        raise CatalogError(
            CatalogError.INVALID_PARAMETER, f"A {kind.name} cannot be merged into itself."
        )
    _lock_pair(kind, merged_id, survivor_id)
    merged, survivor = kind.get(merged_id), kind.get(survivor_id)
    if merged is None or survivor is None:
        # Typically another administrator merged or removed one of them first.
        raise CatalogError(
            CatalogError.NOT_FOUND, f"That {kind.name} no longer exists: nothing was merged."
        )
    count = len(products_of(kind, merged))
    with db.session.no_autoflush:
        if kind is BRANDS:
            _move_brand(merged, survivor)
        elif kind is INGREDIENTS:
            _move_composition(merged, survivor)
        else:
            _move_indications(merged, survivor)
    db.session.flush()  # the links leave before the term they point at (RESTRICT)
    old_slug, old_name = merged.slug, merged.name
    db.session.delete(merged)
    db.session.flush()
    add_slug_redirect(kind.slug_kind, old_slug, survivor.slug)
    record_event(
        actor=actor,
        action=f"{kind.name}.merge",
        subject_type=kind.name,
        subject_id=survivor.id,
        from_state=old_slug,
        to_state=survivor.slug,
        reason=(
            f"{old_name} (#{merged_id}) merged into {survivor.name}: {count} product(s) moved"
            + (f". {reason}" if reason else "")
        ),
    )
    return survivor
