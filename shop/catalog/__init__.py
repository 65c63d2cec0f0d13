"""The catalogue domain: products and their vocabularies, the listing, the shared cache.

Its public pages are served by shop.storefront, which adds what the catalogue may
not know of: live stock (inventory), the purchase gate (licensing) and the cart.
"""

from shop.catalog import cache  # noqa: F401  (the hooks that move the catalogue token)
