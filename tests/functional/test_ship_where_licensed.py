"""The gate's destination rule: professional products ship only into the jurisdiction of
the buyer's current licence (its country; its region where licences are regional),
never to a P.O. box in the US or Canada, asked at checkout and again at payment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from shop.database import utcnow
from shop.extensions import db
from shop.licensing.enums import GateReason
from shop.licensing.gate import Destination, destination_verdict
from shop.licensing.models import Licence
from shop.orders.enums import OrderStatus
from shop.orders.models import Order
from tests.factories import (
    make_licence,
    make_order,
    make_product,
    make_professional,
    make_shipping,
    make_user,
    shipping_address,
)


def licence(country="IE", region="Dublin") -> Licence:
    return make_licence(make_user(), country=country, region=region)


@pytest.mark.parametrize(
    ("country", "region", "to", "allowed"),
    [
        ("IE", "Dublin", Destination("IE", "Co. Cork"), True),  # Ireland licenses nationally
        ("IE", "Dublin", Destination("FR"), False),
        ("US", "California", Destination("US", "CA"), True),
        ("US", "ca", Destination("US", "CA"), True),
        ("US", "California", Destination("US", "NY"), False),
        ("CA", "Ontario", Destination("CA", "ON"), True),
        ("CA", "Ontario", Destination("CA", "QC"), False),
        ("AU", "New South Wales", Destination("AU", "VIC"), False),
        ("US", "California", Destination("CA", "ON"), False),
    ],
)
def test_the_destination_must_be_in_the_licences_jurisdiction(app, country, region, to, allowed):
    answer = destination_verdict(licence(country, region), to)
    assert answer.allowed is allowed
    if not allowed:
        assert answer.reason == GateReason.OUTSIDE_JURISDICTION
        assert answer.next_step.endpoint == "shipping.addresses"


def test_the_refusal_names_the_licence_and_both_places_and_what_to_do(app):
    held = licence("US", "California")
    answer = destination_verdict(held, Destination("US", "NV"))
    assert answer.message == (
        f"Your licence {held.licence_number} covers orders shipped within California, "
        "United States, and this address is in Nevada, United States. Choose a clinic address "
        "in California, United States, or submit a licence issued for Nevada, United States."
    )


def test_a_regional_licence_without_its_region_ships_nowhere_and_says_why(app):
    held = licence("US", "")
    answer = destination_verdict(held, Destination("US", "CA"))
    assert not answer.allowed
    assert "does not say which region of United States issued it" in answer.message


@pytest.mark.parametrize("country,region", [("US", "CA"), ("CA", "ON")])
def test_a_po_box_is_refused_in_the_us_and_canada(app, country, region):
    held = licence(country, region)
    to = shipping_address(
        country=country, region=region, address_line1="P.O. Box 1234", postal_code="90001"
    ).destination
    answer = destination_verdict(held, to)
    assert (answer.allowed, answer.reason) == (False, GateReason.PO_BOX)
    assert "not sent to a P.O. box" in answer.message


def test_the_eu_switch_widens_an_eu_licence_to_the_eu_only(app, monkeypatch):
    monkeypatch.setitem(app.config, "LICENCE_SHIPPING_AREA", "eu")
    irish, american = licence("IE"), licence("US", "California")
    assert destination_verdict(irish, Destination("FR")).allowed
    assert not destination_verdict(irish, Destination("GB")).allowed
    refused = destination_verdict(irish, Destination("GB"))
    assert "covers orders shipped within the European Union" in refused.message
    assert not destination_verdict(american, Destination("US", "NY")).allowed


def test_the_strict_rule_is_the_default(app):
    assert app.config["LICENCE_SHIPPING_AREA"] == "jurisdiction"
    assert not destination_verdict(licence("IE"), Destination("FR")).allowed


# At payment --------------------------------------------------------------------


@pytest.fixture
def placed(app):
    """A professional's order to their Dublin clinic, waiting for payment."""
    pro = make_professional()
    order = make_order(pro, (make_product(stock=5), 1))
    db.session.commit()
    return order


def test_the_gate_refuses_the_payment_when_the_licence_no_longer_covers_the_address(
    client, login, placed
):
    # A renewal issued in France was approved after the checkout: it is the current licence.
    renewal = make_licence(placed.user, country="FR", region="")
    renewal.submitted_at = utcnow() + timedelta(seconds=1)
    db.session.commit()
    login(placed.user)
    response = client.get(f"/orders/{placed.number}/pay")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert 'data-code="outside_licence_jurisdiction"' in html
    assert f"Your licence {renewal.licence_number} covers orders shipped within France" in html
    assert "this address is in Ireland" in html
    assert "Nothing was charged." in html
    db.session.refresh(placed)
    assert placed.payment_intent_id is None  # Stripe was never asked
    assert placed.status == OrderStatus.PENDING_PAYMENT


def test_editing_the_saved_address_after_checkout_changes_neither_the_order_nor_the_gate(
    client, login, app, monkeypatch
):
    from shop.shipping.addresses import list_addresses, save_address

    pro = make_professional()
    make_shipping()
    save_address(pro, shipping_address())
    product = make_product(stock=5)
    db.session.commit()
    [row] = list_addresses(pro)
    order = make_order(pro, (product, 1), address=shipping_address())
    save_address(
        pro,
        shipping_address(
            address_line1="12 Rue de la Paix", city="Paris", postal_code="75002", country="FR"
        ),
        address_id=row.id,
    )
    db.session.commit()
    # Stripe is not running here: the payment page gets as far as asking for the intent.
    asked = []
    monkeypatch.setattr(
        "shop.payments.settle.create_payment_intent",
        lambda **kw: (
            asked.append(kw) or {"id": "pi_test_edit", "client_secret": "pi_test_edit_secret"}
        ),
    )
    login(pro)
    response = client.get(f"/orders/{order.number}/pay")
    assert response.status_code == 200
    assert asked and asked[0]["metadata"]["order_number"] == order.number
    assert db.session.get(Order, order.id).country == "IE"


def test_a_checkout_to_an_address_outside_the_licence_is_refused_by_the_service(app):
    from shop.checkout.errors import CheckoutError
    from shop.checkout.placing import place_order
    from shop.checkout.services import add_to_cart
    from shop.inventory.services import today

    pro = make_professional()
    make_shipping(areas="IE, FR")
    add_to_cart(pro, make_product(stock=5).id, 1, today=today())
    paris = shipping_address(
        address_line1="12 Rue de la Paix", city="Paris", postal_code="75002", country="FR"
    )
    with pytest.raises(CheckoutError) as refused:
        place_order(pro, paris, "standard", now=utcnow())
    assert refused.value.code == "outside_licence_jurisdiction"
    assert refused.value.status == 403
    assert db.session.scalar(select(Order.id).where(Order.user_id == pro.id)) is None
