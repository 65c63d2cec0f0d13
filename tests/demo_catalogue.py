"""The demo catalogue's data (shop/demo_catalogue/*.csv) as plain values, for tests that
pick demo products by what they are: active, sold to physicians, with an expired lot."""

from __future__ import annotations

from collections import defaultdict

from shop.demo import demo_rows


def _listed(cell: str) -> list[str]:
    return [value for value in cell.split("|") if value]


def _ingredient(entry: str) -> tuple[str, str | None, str | None]:
    slug, _, concentration = entry.partition(":")
    value, _, unit = concentration.partition(" ")
    return slug, value or None, unit or None


BRANDS = demo_rows("brands")
INGREDIENTS = demo_rows("ingredients")
INDICATIONS = demo_rows("indications")

_stock: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
for _lot in demo_rows("lots"):
    _stock[_lot["sku"]].append(
        (_lot["lot_number"], int(_lot["expires_in_days"]), int(_lot["quantity"]))
    )

PRODUCTS = [
    {
        **row,
        "active": row["active"] == "yes",
        "professions": _listed(row["professions"]),
        "indications": _listed(row["indications"]),
        "ingredients": [_ingredient(entry) for entry in _listed(row["ingredients"])],
        "stock": _stock[row["sku"]],
    }
    for row in demo_rows("products")
]
