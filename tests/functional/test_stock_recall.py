"""The recall of a lot, against orders placed through checkout and paid: who received
it, under which licence, how many packs; as a page and as CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest

from shop.catalog.enums import Profession
from shop.inventory.services import receive_stock, today
from shop.orders.lots import RECALL_COLUMNS, recall
from tests.factories import make_admin, make_licence, make_order, make_product, make_user


@pytest.fixture
def admin(login):
    user = make_admin()
    login(user)
    return user


def text(response) -> str:
    return response.get_data(as_text=True)


def professional(name: str, email: str, *, profession=Profession.PHYSICIAN, country="IE"):
    user = make_user(name=name, email=email)
    licence = make_licence(user, profession=profession, country=country)
    return user, licence


@pytest.fixture
def shop_with_orders(app):
    """Lot R-100 of a serum, sold to two professionals; lot R-200 of it sold after R-100
    runs out (first expiry first); an unpaid order holding packs of R-100; a second
    product with its own lot numbered R-100."""
    serum = make_product(name="Recall Serum", sku="RS-1", professions=list(Profession))
    other = make_product(name="Other Cocktail", sku="OC-1", professions=list(Profession))
    receive_stock(serum, lot_number="R-100", expires_on=today() + timedelta(days=100), quantity=10)
    receive_stock(serum, lot_number="R-200", expires_on=today() + timedelta(days=300), quantity=50)
    receive_stock(other, lot_number="R-100", expires_on=today() + timedelta(days=200), quantity=5)
    ana, ana_licence = professional("Ana Ruiz", "ana@example.org", country="ES")
    ben, ben_licence = professional(
        "Ben Okafor", "ben@example.org", profession=Profession.NURSE, country="GB"
    )
    cara, _ = professional("Cara Pending", "cara@example.org")
    first = make_order(ana, (serum, 4), (other, 2), paid=True)
    second = make_order(ben, (serum, 5), paid=True)
    unpaid = make_order(cara, (serum, 3))  # 1 from R-100, 2 from R-200: held, not sold
    return {
        "orders": (first, second, unpaid),
        "licences": (ana_licence, ben_licence),
    }


def test_the_recall_names_each_order_professional_licence_and_quantity(shop_with_orders):
    first, second, unpaid = shop_with_orders["orders"]
    ana_licence, ben_licence = shop_with_orders["licences"]
    report = recall("r-100 ")  # case and spaces do not matter
    assert report.found and report.lot_number == "r-100"
    assert [(group.sku, group.packs_sold) for group in report.lots] == [("OC-1", 2), ("RS-1", 9)]
    other, serum = report.lots
    assert [(line.order_number, line.quantity) for line in serum.lines] == [
        (first.number, 4),
        (second.number, 5),
    ]
    ana, ben = serum.lines
    assert (ana.buyer_name, ana.buyer_email, ana.licence_number, ana.licence_country) == (
        "Ana Ruiz",
        "ana@example.org",
        ana_licence.licence_number,
        "ES",
    )
    assert (ben.profession, ben.licence_number, ben.licence_country) == (
        Profession.NURSE,
        ben_licence.licence_number,
        "GB",
    )
    assert unpaid.number not in {line.order_number for line in report.lines}
    assert serum.lot.quantity_reserved == 1  # the unpaid order's pack is held, not sold
    assert [line.order_number for line in other.lines] == [first.number]


def test_the_recall_page_lists_each_product_of_the_lot_number(client, admin, shop_with_orders):
    first, second, unpaid = shop_with_orders["orders"]
    html = text(client.get("/admin/recall?lot=R-100"))
    assert "Recall of lot R-100" in html
    assert html.index("Other Cocktail") < html.index("Recall Serum")
    assert "9 packs sold to 2 orders" in html and "2 packs sold to 1 order;" in html
    assert (
        f'href="/admin/orders/{first.number}"' in html
        and f'href="/admin/orders/{second.number}"' in html
    )
    assert unpaid.number not in html
    assert "Ana Ruiz" in html and "Nurse, United Kingdom" in html
    assert 'href="/admin/recall.csv?lot=R-100"' in html


def test_the_recall_csv_is_a_utf8_attachment_with_a_row_per_order_and_lot(
    client, admin, shop_with_orders
):
    first, second, _ = shop_with_orders["orders"]
    ana_licence, _ = shop_with_orders["licences"]
    response = client.get("/admin/recall.csv?lot=R-100")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="recall-R-100.csv"'
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8"))))
    assert list(rows[0].keys()) == RECALL_COLUMNS
    assert [(row["sku"], row["order_number"], row["quantity"]) for row in rows] == [
        ("OC-1", first.number, "2"),
        ("RS-1", first.number, "4"),
        ("RS-1", second.number, "5"),
    ]
    ana = rows[1]
    assert (ana["buyer_name"], ana["licence_number"], ana["licence_country"]) == (
        "Ana Ruiz",
        ana_licence.licence_number,
        "ES",
    )
    assert (ana["profession"], ana["order_status"], ana["lot_number"]) == (
        "physician",
        "paid",
        "R-100",
    )
    assert datetime.fromisoformat(ana["paid_at"]) == first.paid_at.replace(microsecond=0)


def test_the_csv_keeps_accents_and_disarms_cells_a_spreadsheet_would_run(client, admin):
    product = make_product(sku="AC-1", professions=list(Profession))
    receive_stock(product, lot_number="X/1", expires_on=today() + timedelta(days=90), quantity=3)
    user, _ = professional("=Zoë Brontë", "zoe@example.org")
    make_order(user, (product, 1), paid=True)
    response = client.get("/admin/recall.csv?lot=X/1")
    assert response.headers["Content-Disposition"] == 'attachment; filename="recall-X-1.csv"'
    [row] = csv.DictReader(io.StringIO(response.data.decode("utf-8")))
    assert row["buyer_name"] == "'=Zoë Brontë"


def test_an_unknown_lot_says_so_on_the_page_and_the_csv_is_a_404(client, admin):
    html = text(client.get("/admin/recall?lot=NOPE-1"))
    assert "No lot numbered <strong>NOPE-1</strong> is on file." in html
    response = client.get("/admin/recall.csv?lot=NOPE-1")
    assert response.status_code == 404
    assert "No lot numbered NOPE-1 is on file." in text(response)


def test_a_lot_nobody_bought_says_so(client, admin):
    product = make_product(stock=0)
    receive_stock(product, lot_number="FRESH", expires_on=today() + timedelta(days=90), quantity=3)
    html = text(client.get("/admin/recall?lot=FRESH"))
    assert "No order has received packs of this lot." in html
    assert "3 still on hand" in html


@pytest.mark.parametrize("lot", ["", "not a lot!"])
def test_a_malformed_lot_number_is_refused_under_the_field(client, admin, lot):
    response = client.get(f"/admin/recall?lot={lot}")
    assert response.status_code == 400
    html = text(response)
    assert "Give the lot number." in html or "A lot number is 1 to 40" in html
    csv_response = client.get(f"/admin/recall.csv?lot={lot}")
    assert csv_response.status_code == 400
    assert "Give the lot number." in text(csv_response) or "A lot number is" in text(csv_response)


def test_the_search_form_alone_asks_for_a_lot_number(client, admin):
    html = text(client.get("/admin/recall"))
    assert 'name="lot"' in html and "is-invalid" not in html
    response = client.get("/admin/recall.csv", follow_redirects=True)
    assert response.request.path == "/admin/recall"
    assert "Give the lot number to recall, then download its CSV." in text(response)
