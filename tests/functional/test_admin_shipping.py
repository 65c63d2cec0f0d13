"""The back office's shipping: methods, zones and rates edited, each change audited,
and none reaching an order already placed."""

from __future__ import annotations

from sqlalchemy import select

from shop.audit.models import AuditEvent
from shop.extensions import db
from shop.shipping.models import ShippingMethod, ShippingRate, ShippingZone
from tests.factories import make_order, make_product, make_professional, make_shipping
from tests.functional.conftest import field_errors


def audit(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def test_an_administrator_builds_a_method_a_zone_and_a_rate(client, admin, post_form):
    response = post_form(
        "/admin/shipping/methods/new",
        {
            "code": "express",
            "name": "Express",
            "carrier": "DHL Express",
            "delivery_estimate": "Next working day",
            "position": "1",
            "is_active": "y",
        },
    )
    assert response.status_code == 303
    method = db.session.scalar(select(ShippingMethod).where(ShippingMethod.code == "express"))
    assert (method.carrier, method.cold_chain, method.is_active) == ("DHL Express", False, True)

    response = post_form(
        "/admin/shipping/zones/new", {"name": "West Coast", "areas": "us-ca, US-Oregon, US-WA"}
    )
    assert response.status_code == 303
    zone = db.session.scalar(select(ShippingZone).where(ShippingZone.name == "West Coast"))
    assert [(a.country, a.region) for a in zone.areas] == [("US", "CA"), ("US", "OR"), ("US", "WA")]

    response = post_form(
        "/admin/shipping/rates/new",
        {
            "method_id": str(method.id),
            "zone_id": str(zone.id),
            "basis": "weight",
            "from_amount": "0",
            "up_to_amount": "2000",
            "price": "45.00",
            "currency": "eur",
            "free_from": "600.00",
        },
    )
    assert response.status_code == 303
    [rate] = db.session.scalars(select(ShippingRate).where(ShippingRate.method_id == method.id))
    assert (
        rate.basis,
        rate.up_to_amount,
        rate.price_cents,
        rate.currency,
        rate.free_from_cents,
    ) == (
        "weight",
        2000,
        4500,
        "EUR",
        60000,
    )
    page = client.get("/admin/shipping").get_data(as_text=True)
    assert "DHL Express" in page and "US-CA, US-OR, US-WA" in page and "€600.00" in page
    assert [e.actor_id for e in audit("shipping_method.create")] == [admin.id]
    assert [e.reason for e in audit("shipping_zone.create")] == ["West Coast: US-CA, US-OR, US-WA"]
    assert len(audit("shipping_rate.create")) == 1


def test_a_zone_with_a_place_that_is_not_one_is_refused_on_its_field(client, admin, post_form):
    response = post_form("/admin/shipping/zones/new", {"name": "Nowhere", "areas": "IE, XX, US-ZZ"})
    assert response.status_code == 422
    [error] = field_errors(response.get_data(as_text=True), "areas")
    assert error.startswith("Not a country or region: XX, US-ZZ.")
    assert db.session.scalar(select(ShippingZone).where(ShippingZone.name == "Nowhere")) is None


def test_a_rate_whose_bracket_is_empty_is_refused(client, admin, post_form):
    method = make_shipping()
    db.session.commit()
    zone_id = method.rates[0].zone_id
    response = post_form(
        "/admin/shipping/rates/new",
        {
            "method_id": str(method.id),
            "zone_id": str(zone_id),
            "basis": "value",
            "from_amount": "5000",
            "up_to_amount": "5000",
            "price": "9.00",
            "currency": "EUR",
        },
    )
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "up_to_amount") == [
        "The bracket ends above where it starts (or leave it empty: no limit)."
    ]
    assert len(method.rates) == 1


def test_changing_a_rate_never_touches_an_order_already_placed(client, admin, post_form):
    method = make_shipping()
    order = make_order(make_professional(), (make_product(stock=5, price_cents=5000), 1))
    db.session.commit()
    rate = method.rates[0]
    response = post_form(
        f"/admin/shipping/rates/{rate.id}",
        {
            "method_id": str(method.id),
            "zone_id": str(rate.zone_id),
            "basis": "value",
            "from_amount": "0",
            "price": "99.00",
            "currency": "EUR",
        },
    )
    assert response.status_code == 303
    db.session.refresh(rate)
    db.session.refresh(order)
    assert rate.price_cents == 9900
    assert (order.shipping_cents, order.total_cents) == (1500, 6500)
    [change] = audit("shipping_rate.update")
    assert "1500 cents EUR" in change.reason and "9900 cents EUR" in change.reason


def test_a_zone_that_rates_use_cannot_be_deleted(client, admin, post_form):
    method = make_shipping()
    db.session.commit()
    zone = method.rates[0].zone
    response = post_form(f"/admin/shipping/zones/{zone.id}/delete", {}, page="/admin/shipping")
    assert response.status_code == 303
    assert "1 rate uses the zone" in client.get("/admin/shipping").get_data(as_text=True)
    assert db.session.get(ShippingZone, zone.id) is not None


def test_the_shipping_pages_are_for_administrators_only(client, login):
    login(make_professional())
    db.session.commit()
    assert client.get("/admin/shipping").status_code == 404
