"""Each product's pictures in the API: URLs of every width kept, and the alt text."""

from __future__ import annotations

import pytest

from shop.catalog.images import upload_product_image
from shop.extensions import db
from tests.factories import make_brand, make_product
from tests.images import phone_photo, picture


@pytest.fixture
def shown_product(app):
    product = make_product("Hydra Glow", brand=make_brand("Alpha Labs"), slug="hydra-glow", stock=5)
    upload_product_image(None, product, phone_photo(), "pack.jpg", "The pack of Hydra Glow")
    upload_product_image(None, product, picture("PNG"), "vial.png", "One vial")
    db.session.commit()
    return product


def test_the_api_gives_image_urls_and_alt_text(api, client, shown_product):
    item = api("/api/v1/products/hydra-glow")
    assert [image["alt"] for image in item["images"]] == ["The pack of Hydra Glow", "One vial"]
    first = item["images"][0]
    assert (first["width"], first["height"]) == (1200, 1600)
    assert [size["width"] for size in first["sizes"]] == [160, 480, 1200]
    listed = api("/api/v1/products?q=hydra")["items"][0]
    assert listed["images"] == item["images"]
    for size in first["sizes"]:
        for url in (size["webp"], size["jpeg"]):
            assert client.get(url).status_code == 200
