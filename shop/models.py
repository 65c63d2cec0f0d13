"""Every model, imported in one place so Alembic and the app see the whole schema."""

from shop.catalog.models import (  # noqa: F401
    Brand,
    CatalogState,
    Indication,
    Ingredient,
    Product,
    ProductIngredient,
    ProductProfession,
    product_indications,
)
from shop.inventory.models import StockLot, StockMovement  # noqa: F401
