"""The backup and restore of docs/operations.md, step by step: pg_dump in custom format,
pg_restore into a new database, ``flask db current``, and the shop serving from it with
every licence document, invoice, product picture and order as it was."""

from __future__ import annotations

import hashlib
import shutil
import subprocess

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from shop.billing.models import Invoice
from shop.billing.services import rendered_pdf
from shop.catalog.images import upload_image
from shop.extensions import db
from shop.licensing.models import LicenceDocument
from shop.media.models import MediaFile
from shop.orders.models import Order
from tests import dbs
from tests.conftest import make_app
from tests.factories import PDF_BYTES, make_licence, make_order, make_product, make_user
from tests.images import picture
from tests.migration_cli import flask
from tests.production.servers import skip_or_fail_without

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(180)]


def libpq_url(url: str) -> str:
    """What pg_dump and pg_restore take: the URL without SQLAlchemy's driver name."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def documents_and_orders(url: str) -> tuple[list[tuple], list[tuple]]:
    app = make_app(url)
    with app.app_context():
        documents = [
            (doc.id, doc.sha256, hashlib.sha256(doc.data).hexdigest(), doc.size_bytes)
            for doc in db.session.scalars(select(LicenceDocument).order_by(LicenceDocument.id))
        ]
        documents += [
            (invoice.number, invoice.sha256, hashlib.sha256(invoice.pdf).hexdigest(), 0)
            for invoice in db.session.scalars(select(Invoice).order_by(Invoice.number))
        ]
        documents += [
            (media.sha256, media.sha256, hashlib.sha256(media.data).hexdigest(), media.size_bytes)
            for media in db.session.scalars(select(MediaFile).order_by(MediaFile.sha256))
        ]
        orders = [
            (order.number, order.status.value, order.subtotal_cents, order.shipping_cents,
             order.total_cents, order.refunded_cents)
            for order in db.session.scalars(select(Order).order_by(Order.id))
        ]  # fmt: skip
        db.session.rollback()
        db.engine.dispose()
    return documents, orders


def test_a_dump_restored_into_a_new_database_has_every_document_and_order(tmp_path, database):
    skip_or_fail_without(
        None if shutil.which("pg_dump") and shutil.which("pg_restore") else "pg_dump not found"
    )
    app = make_app(database)
    with app.app_context():
        product = make_product(stock=20, price_cents=14950)
        for n in range(3):
            buyer = make_user()
            licence = make_licence(buyer)
            # Each scan different, as real ones are.
            licence.document = LicenceDocument.of(
                f"scan-{n}.pdf", "application/pdf", PDF_BYTES + bytes([n]) * 5000
            )
            make_order(buyer, (product, n + 1), paid=n > 0)
        upload_image(None, picture(), "hydra-box.jpg")
        # Their PDFs, as the worker renders them when it mails them.
        for invoice in db.session.scalars(select(Invoice)):
            rendered_pdf(invoice)
        db.session.commit()
        db.engine.dispose()
    before = documents_and_orders(database)
    documents, orders = before
    assert len(orders) == 3
    kinds = [str(key) for key, *_ in documents]
    assert sum(key.startswith("INV-") for key in kinds) == 2  # the two paid orders
    assert len(documents) >= 3 + 2 + 6  # scans, invoices, a picture's six files
    assert all(stored == computed for _, stored, computed, _ in documents)

    dump = tmp_path / "shop.dump"
    dumped = subprocess.run(
        ["pg_dump", "--format=custom", f"--file={dump}", libpq_url(database)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert dumped.returncode == 0, dumped.stderr
    with dbs.postgres_database("shop_restored") as restored:
        loaded = subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={libpq_url(restored)}", str(dump)],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert loaded.returncode == 0, loaded.stderr
        current = flask(restored, "db", "current")
        assert current.returncode == 0, current.stderr
        assert current.stdout.strip().endswith("(head)"), current.stdout
        assert documents_and_orders(restored) == before
        serving = make_app(restored)
        assert serving.test_client().get("/readyz").get_json() == {
            "status": "ok",
            "database": "ok",
        }
        with serving.app_context():
            db.engine.dispose()
