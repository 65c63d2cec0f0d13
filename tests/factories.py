"""Small factories over the real services, so test data obeys the same rules."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from shop.catalog.enums import IngredientKind, Profession, TreatmentArea
from shop.catalog.models import Brand, Indication, Ingredient, Product
from shop.catalog.services import (
    CompositionLine,
    create_brand,
    create_indication,
    create_ingredient,
    create_product,
)
from shop.inventory.services import receive_stock, today

_sequence = itertools.count(1)


def _n() -> int:
    return next(_sequence)


def make_brand(name: str | None = None, **kw) -> Brand:
    n = _n()
    name = name or f"Brand {n}"
    return create_brand(slug=kw.pop("slug", f"brand-{n}"), name=name, **kw)


def make_ingredient(
    name: str | None = None, kind: IngredientKind = IngredientKind.VITAMIN, **kw
) -> Ingredient:
    n = _n()
    return create_ingredient(
        slug=kw.pop("slug", f"ingredient-{n}"), name=name or f"Ingredient {n}", kind=kind, **kw
    )


def make_indication(
    name: str | None = None, area: TreatmentArea = TreatmentArea.FACE, **kw
) -> Indication:
    n = _n()
    return create_indication(
        slug=kw.pop("slug", f"indication-{n}"), name=name or f"Indication {n}", area=area, **kw
    )


def make_product(
    name: str | None = None,
    *,
    brand: Brand | None = None,
    ingredients: list[Ingredient | tuple[Ingredient, str, str]] = (),
    indications: list[Indication] = (),
    professions: list[Profession] = (Profession.PHYSICIAN, Profession.NURSE),
    price_cents: int = 9900,
    stock: int | None = None,
    **kw,
) -> Product:
    n = _n()
    composition = []
    for entry in ingredients:
        if isinstance(entry, tuple):
            ingredient, value, unit = entry
            composition.append(CompositionLine(ingredient, Decimal(value), unit))
        else:
            composition.append(CompositionLine(entry))
    product = create_product(
        sku=kw.pop("sku", f"TST-{n:05d}"),
        slug=kw.pop("slug", f"product-{n}"),
        name=name or f"Product {n}",
        brand=brand or make_brand(),
        form=kw.pop("form", "vial"),
        volume_ml=kw.pop("volume_ml", Decimal("5")),
        units_per_pack=kw.pop("units_per_pack", 10),
        price_cents=price_cents,
        currency=kw.pop("currency", "EUR"),
        composition=composition,
        indications=list(indications),
        professions=list(professions),
        **kw,
    )
    if stock:
        receive_stock(
            product,
            lot_number=f"L{n:05d}",
            expires_on=today() + timedelta(days=365),
            quantity=stock,
        )
    return product
