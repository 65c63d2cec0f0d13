"""The address book: clinic addresses checked by country, one default, edits and
deletions that never reach an order."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.shipping.addresses import ShippingAddress, list_addresses, save_address
from shop.shipping.errors import ShippingFieldErrors
from shop.shipping.models import ClinicAddress
from tests.factories import make_order, make_product, make_professional, shipping_address
from tests.functional.conftest import field_errors

FORM = {
    "clinic_name": "Harbour Clinic",
    "address_line1": "3 Quay Street",
    "city": "Galway",
    "region": "Co. Galway",
    "postal_code": "h91 x2e8",
    "country": "IE",
    "phone": "+353 91 555 010",
}


@pytest.fixture
def pro(app, login):
    user = make_professional()
    db.session.commit()
    login(user)
    return user


def test_the_first_address_saved_becomes_the_default_with_its_postal_code_tidied(
    client, csrf_token, pro
):
    response = client.post(
        "/account/addresses/new", data={**FORM, "csrf_token": csrf_token("/account/addresses/new")}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/account/addresses"
    [row] = list_addresses(pro)
    assert (row.clinic_name, row.postal_code, row.region, row.is_default) == (
        "Harbour Clinic",
        "H91 X2E8",
        "Co. Galway",
        True,
    )
    page = client.get("/account/addresses").get_data(as_text=True)
    assert "Harbour Clinic" in page and "Default" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"postal_code": "1234"}, "postal_code", "Enter a postal code of Ireland, such as "),
        (
            {"country": "US", "region": "Atlantis", "postal_code": "94103"},
            "region",
            "Enter the state of United States, such as Alabama, Alaska, American Samoa …",
        ),
        (
            {"country": "US", "region": "CA", "postal_code": "9410"},
            "postal_code",
            "Enter a postal code of United States, such as ",
        ),
        (
            {"country": "US", "region": "", "postal_code": "94103"},
            "region",
            "Enter the state of United States",
        ),
    ],
)
def test_an_address_that_does_not_fit_its_country_is_refused_field_by_field(
    client, csrf_token, pro, changes, field, message
):
    token = csrf_token("/account/addresses/new")
    response = client.post("/account/addresses/new", data={**FORM, **changes, "csrf_token": token})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    [error] = field_errors(html, field)
    assert error.startswith(message)
    assert 'value="Harbour Clinic"' in html  # what was typed stays
    assert list_addresses(pro) == []


def test_a_us_state_may_be_typed_by_name_and_is_kept_as_its_code(app):
    user = make_professional()
    row = save_address(
        user,
        ShippingAddress(
            "Bay Clinic",
            "1 Market St",
            "San Francisco",
            "94103",
            "US",
            "+1 415 555 0100",
            region="california",
        ),
    )
    assert row.region == "CA"


def test_one_default_at_a_time_and_deleting_it_passes_the_role_on(client, csrf_token, pro):
    first = save_address(pro, ShippingAddress(**FORM))
    second = save_address(pro, ShippingAddress(**{**FORM, "clinic_name": "Second"}))
    db.session.commit()
    assert (first.is_default, second.is_default) == (True, False)
    token = csrf_token("/account/addresses")
    client.post(f"/account/addresses/{second.id}/default", data={"csrf_token": token})
    db.session.expire_all()
    assert [(a.clinic_name, a.is_default) for a in list_addresses(pro)] == [
        ("Second", True),
        ("Harbour Clinic", False),
    ]
    client.post(f"/account/addresses/{second.id}/delete", data={"csrf_token": token})
    db.session.expire_all()
    assert [(a.clinic_name, a.is_default) for a in list_addresses(pro)] == [
        ("Harbour Clinic", True)
    ]


def test_someone_elses_address_is_not_found(client, csrf_token, pro):
    other = make_professional()
    theirs = save_address(other, ShippingAddress(**FORM))
    db.session.commit()
    assert client.get(f"/account/addresses/{theirs.id}/edit").status_code == 404
    token = csrf_token("/account/addresses")
    assert (
        client.post(
            f"/account/addresses/{theirs.id}/delete", data={"csrf_token": token}
        ).status_code
        == 404
    )
    assert db.session.get(ClinicAddress, theirs.id) is not None


def test_deleting_an_address_leaves_the_orders_sent_there_as_they_were(client, csrf_token, pro):
    row = save_address(pro, shipping_address())
    order = make_order(pro, (make_product(stock=3), 1), address=shipping_address())
    db.session.commit()
    token = csrf_token("/account/addresses")
    client.post(f"/account/addresses/{row.id}/delete", data={"csrf_token": token})
    db.session.refresh(order)
    assert (order.clinic_name, order.address_line1, order.city) == (
        "Clinic",
        "1 Main Street",
        "Dublin",
    )
    assert db.session.scalar(select(ClinicAddress).where(ClinicAddress.user_id == pro.id)) is None


def test_the_service_refuses_an_unknown_country(app):
    with pytest.raises(ShippingFieldErrors) as refused:
        save_address(make_professional(), ShippingAddress(**{**FORM, "country": "QQ"}))
    assert refused.value.errors == {"country": "Choose a country from the list."}
