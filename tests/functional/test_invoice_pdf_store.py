"""A PDF is stored though another process writes while it renders.

The download and the mail worker render an invoice from what a transaction read, in
about a fifth of a second; a busy shop commits other writes meanwhile. SQLite refuses
to turn a transaction that has read into a writer once another process has written
("database is locked"), so the PDF must be stored in a transaction of its own. This
runs on a database of its own, committed to for real, with a second connection
standing for the other process.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask_migrate import upgrade

import shop.billing.services as billing_services
from shop.billing.models import Invoice
from shop.billing.services import rendered_pdf
from shop.extensions import db
from tests import dbs
from tests.conftest import make_app
from tests.functional.test_invoices import paid_order
from tests.taxes import add_rates


def test_a_pdf_is_stored_though_another_process_wrote_while_it_rendered(tmp_path, monkeypatch):
    with dbs.test_database(tmp_path, "shop_pdf_store") as url:
        app = make_app(url)
        with app.app_context():
            upgrade()
            add_rates()
            invoice_id = paid_order().invoice.id
            db.session.commit()
            db.session.remove()

            other_process = sa.create_engine(db.engine.url)
            render = billing_services._render_document

            def render_while_another_process_writes(document):
                pdf = render(document)
                with other_process.begin() as connection:
                    connection.execute(sa.text("UPDATE users SET name = name || '.'"))
                return pdf

            monkeypatch.setattr(
                billing_services, "_render_document", render_while_another_process_writes
            )
            invoice = db.session.get(Invoice, invoice_id)
            assert invoice.pdf is None
            pdf = rendered_pdf(invoice)

            db.session.remove()
            stored = db.session.get(Invoice, invoice_id)
            assert pdf.startswith(b"%PDF") and stored.pdf == pdf
            assert stored.sha256 == hashlib.sha256(pdf).hexdigest()
            other_process.dispose()
            db.engine.dispose()
