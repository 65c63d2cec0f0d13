"""The catalogue domain: products and their vocabularies, the facet index, the listing.

Its public pages are served by shop.storefront, which adds what the catalogue may
not know of: live stock (inventory), the purchase gate (licensing) and the cart.
"""
