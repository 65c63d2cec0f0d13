"""What a shipping rate is measured by."""

from __future__ import annotations

from shop.enums import LabelledEnum


class RateBasis(LabelledEnum):
    """A rate's bracket is of the order's value (cents of the subtotal) or weight (grams)."""

    VALUE = "value", "Order value"
    WEIGHT = "weight", "Order weight"
