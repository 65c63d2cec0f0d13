"""A change made anywhere is seen by the next request of every other process.

Each process keeps its own facet index and reads stock live. Two server processes
(gunicorn, one worker each) serve the same database, committed to for real; this
process makes the changes through the services, as the back office, the CSV import,
a stock receipt and a payment would, and both servers must show each change on
their very next request.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade

from shop.catalog.csv_io import import_products
from shop.catalog.editing import INGREDIENTS
from shop.catalog.enums import IngredientKind
from shop.catalog.merging import merge_terms
from shop.catalog.models import Ingredient, Product
from shop.extensions import db
from shop.inventory.services import receive_stock, today
from shop.orders.services import PaymentFacts, mark_paid
from tests import dbs
from tests.conftest import PRODUCTION_SETTINGS, make_app
from tests.factories import make_admin, make_brand, make_ingredient, make_product
from tests.functional.test_gunicorn import free_port
from tests.ordering import place_test_order

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def database(folder: Path) -> Iterator[str]:
    """The test's own database: a file in its own folder, never one another run shares."""
    if dbs.backend() == "sqlite":
        with dbs.sqlite_database(folder) as url:
            yield url
    else:
        with dbs.postgres_database("shop_processes") as url:
            yield url


@contextmanager
def server(url: str, folder: Path) -> Iterator[str]:
    """A gunicorn process with one worker on the database; its base URL."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SHOP_", "RATELIMIT_"))},
        **PRODUCTION_SETTINGS,
        "SHOP_ENV": "production",
        "SHOP_BASE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": url,
        "RATELIMIT_ENABLED": "false",
    }
    log = folder / f"server-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--config",
                "gunicorn.conf.py",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=output,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                assert process.poll() is None, log.read_text()
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def get_json(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture
def shop(tmp_path):
    """This process's app on a database of its own, and two servers on the same one."""
    with ExitStack() as stack:
        url = stack.enter_context(database(tmp_path))
        app = make_app(url)
        stack.enter_context(app.app_context())
        upgrade()
        stack.callback(db.engine.dispose)
        stack.callback(db.session.remove)
        brand = make_brand("Alpha", slug="alpha")
        ha = make_ingredient("Hyaluronic acid", IngredientKind.HYALURONIC_ACID, slug="ha")
        make_ingredient("Sodium hyaluronate", IngredientKind.HYALURONIC_ACID, slug="na-ha")
        make_product("Hydra One", slug="hydra-one", brand=brand, ingredients=[ha], stock=20)
        db.session.commit()
        servers = [stack.enter_context(server(url, tmp_path)) for _ in range(2)]
        for base in servers:  # each builds its index now, for the catalogue as it is
            assert get_json(base, "/api/v1/products")["total"] == 1
        yield servers


def seen_everywhere(servers: list[str], path: str, check) -> None:
    for base in servers:
        assert check(get_json(base, path)), (base, path)


def test_every_kind_of_change_reaches_every_process_on_its_next_request(shop):
    servers = shop

    # An edit.
    product = db.session.scalar(db.select(Product).where(Product.slug == "hydra-one"))
    product.name = "Hydra One Plus"
    db.session.commit()
    seen_everywhere(
        servers, "/api/v1/products", lambda p: p["items"][0]["name"] == "Hydra One Plus"
    )

    # A merge: the product moves to the surviving ingredient, in the facet counts too.
    merged = db.session.scalar(db.select(Ingredient).where(Ingredient.slug == "ha"))
    survivor = db.session.scalar(db.select(Ingredient).where(Ingredient.slug == "na-ha"))
    merge_terms(make_admin(), INGREDIENTS, merged.id, survivor.id, reason="same thing")
    db.session.commit()
    seen_everywhere(
        servers,
        "/api/v1/products?ingredient=na-ha",
        lambda p: p["total"] == 1 and [v["slug"] for v in p["facets"]["ingredient"]] == ["na-ha"],
    )

    # A CSV import that creates a product.
    csv = (
        "sku,name,slug,brand,form,volume_ml,units_per_pack,price,currency,active,"
        "professions,ingredients,indications,description,contraindications\n"
        "ALP-NEW-1,Imported Glow,imported-glow,alpha,vial,5,10,80.00,EUR,yes,"
        "physician,na-ha,,New.,None.\n"
    )
    import_products(None, csv.encode())
    db.session.commit()
    seen_everywhere(servers, "/api/v1/products?ingredient=na-ha", lambda p: p["total"] == 2)

    # A stock receipt.
    receive_stock(
        product, lot_number="NEW-LOT", expires_on=today() + timedelta(days=300), quantity=5
    )
    db.session.commit()
    seen_everywhere(servers, "/api/v1/products/hydra-one", lambda p: p["available"] == 25)

    # A sale: an order placed and paid.
    order = place_test_order(packs=(3,), stock=10)
    sold_slug = db.session.get(Product, order.lines[0].product_id).slug
    mark_paid(
        order,
        PaymentFacts(
            "pi_sale", "succeeded", order.total_cents, order.currency.lower(), source="test"
        ),
    )
    db.session.commit()
    seen_everywhere(servers, f"/api/v1/products/{sold_slug}", lambda p: p["available"] == 7)
