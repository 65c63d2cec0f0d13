from __future__ import annotations

from shop.errors import ShopError


class CatalogError(ShopError):
    INVALID_PARAMETER = "invalid_parameter"
    UNKNOWN_FILTER_VALUE = "unknown_filter_value"
    PRODUCT_NOT_FOUND = "product_not_found"
    NOT_FOUND = "not_found"
    INVALID_PRODUCT = "invalid_product"


class CatalogNotFound(CatalogError):
    status = 404


class CatalogFieldErrors(CatalogError):
    """Several refusals at once, each tied to the form field it is about (``errors``)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(CatalogError.INVALID_PRODUCT, "; ".join(errors.values()))
        self.errors = errors
