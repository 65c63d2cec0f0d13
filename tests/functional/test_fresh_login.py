"""Fresh log-in before sensitive actions: refunds and cancellations, role changes,
deactivation, licence decisions, second-factor resets and the shipping tables ask for
the password and the second factor again when the last log-in is older than
FRESH_LOGIN_MINUTES, change nothing meanwhile, and lead back afterwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from shop.audit.models import AuditEvent
from shop.catalog.enums import TaxClass
from shop.extensions import db
from shop.licensing.enums import LicenceStatus
from shop.orders.enums import OrderStatus
from shop.tax.models import TaxRate
from tests.factories import (
    DEFAULT_PASSWORD,
    make_admin,
    make_licence,
    make_order,
    make_product,
    make_professional,
    make_shipping,
    make_user,
    totp_code,
)
from tests.functional.conftest import field_errors

START = datetime(2027, 3, 1, 9, 0, 10, tzinfo=UTC)
STALE = START + timedelta(minutes=16)


def audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.fixture
def world(app, client, login, time_machine):
    """An administrator logged in at START, and something for each sensitive action."""
    time_machine.move_to(START, tick=False)
    admin = make_admin(name="Dr Admin")
    pro = make_professional()
    order = make_order(pro, (make_product(stock=5), 1))
    other = make_user()
    other_admin = make_admin()
    licence = make_licence(make_user(), status=LicenceStatus.PENDING)
    method = make_shipping()
    tax_rate = TaxRate(
        country="PT", tax_class=TaxClass.STANDARD, rate=Decimal("23"), valid_from=START.date()
    )
    db.session.add(tax_rate)
    db.session.commit()
    login(admin)
    return {
        "admin": admin,
        "order": order,
        "user": other,
        "other_admin": other_admin,
        "licence": licence,
        "method": method,
        "tax_rate": tax_rate,
    }


def sensitive_posts(world) -> list[tuple[str, str, dict]]:
    """(path, the page it is sent from, its form) for every sensitive action."""
    order, user, licence = world["order"], world["user"], world["licence"]
    other_admin, method = world["other_admin"], world["method"]
    zone_id, rate_id = method.rates[0].zone_id, method.rates[0].id
    return [
        (
            f"/admin/orders/{order.number}/refund",
            f"/admin/orders/{order.number}",
            {"refund-reason": "x"},
        ),
        (
            f"/admin/orders/{order.number}/cancel",
            f"/admin/orders/{order.number}",
            {"cancel-reason": "x"},
        ),
        (
            f"/admin/users/{user.id}/deactivate",
            f"/admin/users/{user.id}",
            {"deactivate-reason": "x"},
        ),
        (f"/admin/users/{user.id}/promote", f"/admin/users/{user.id}", {}),
        (
            f"/admin/users/{other_admin.id}/demote",
            f"/admin/users/{other_admin.id}",
            {"demote-reason": "x"},
        ),
        (
            f"/admin/users/{other_admin.id}/second-factor/reset",
            f"/admin/users/{other_admin.id}",
            {"second_factor-reason": "x"},
        ),
        (f"/admin/licences/{licence.id}/approve", f"/admin/licences/{licence.id}", {}),
        (f"/admin/licences/{licence.id}/reject", f"/admin/licences/{licence.id}", {"reason": "x"}),
        (f"/admin/shipping/zones/{zone_id}/delete", "/admin/shipping", {}),
        (f"/admin/shipping/rates/{rate_id}/delete", "/admin/shipping", {}),
        (
            f"/admin/shipping/methods/{method.id}",
            f"/admin/shipping/methods/{method.id}",
            {"name": "Changed"},
        ),
        (f"/admin/tax/rates/{world['tax_rate'].id}/delete", "/admin/tax", {}),
        (
            f"/admin/tax/rates/{world['tax_rate'].id}",
            f"/admin/tax/rates/{world['tax_rate'].id}",
            {"rate": "21"},
        ),
    ]


def test_every_sensitive_action_asks_again_when_the_log_in_is_stale_and_changes_nothing(
    client, world, csrf_token, time_machine
):
    tokens = {page: csrf_token(page) for _, page, _ in sensitive_posts(world)}
    time_machine.move_to(STALE, tick=False)
    before = audit_count()
    for path, page, form in sensitive_posts(world):
        response = client.post(path, data={"csrf_token": tokens[page], **form})
        assert response.status_code == 303, path
        assert response.location == f"/account/confirm?next={page}", path
    assert audit_count() == before
    assert world["order"].status == OrderStatus.PENDING_PAYMENT
    assert world["user"].is_enabled and world["other_admin"].has_second_factor
    assert world["licence"].status == LicenceStatus.PENDING
    assert db.session.get(TaxRate, world["tax_rate"].id).rate == Decimal("23")
    assert "Nothing was changed yet." in client.get("/account/confirm").text


def test_a_shipping_form_asks_before_it_is_even_shown(client, world, time_machine):
    time_machine.move_to(STALE, tick=False)
    response = client.get("/admin/shipping/methods/new")
    assert response.status_code == 303
    assert response.location == "/account/confirm?next=/admin/shipping/methods/new"
    assert client.get("/admin/shipping").status_code == 200  # reading is not sensitive
    response = client.get("/admin/tax/rates/new")
    assert response.location == "/account/confirm?next=/admin/tax/rates/new"
    assert client.get("/admin/tax").status_code == 200


def test_confirming_with_the_password_and_a_code_leads_back_and_the_action_runs(
    client, world, post_form, time_machine
):
    licence = world["licence"]
    page = f"/admin/licences/{licence.id}"
    time_machine.move_to(STALE, tick=False)
    asked = post_form(f"{page}/approve", {}, page=page)
    confirm = asked.location
    form = client.get(confirm).text
    assert 'name="password"' in form and 'name="code"' in form
    wrong = post_form(confirm, {"password": DEFAULT_PASSWORD, "code": "000000"}, page=confirm)
    assert field_errors(wrong.text, "code")[0].startswith("This code is not right")
    time_machine.move_to(STALE + timedelta(seconds=30), tick=False)
    right = post_form(confirm, {"password": DEFAULT_PASSWORD, "code": totp_code()}, page=confirm)
    assert right.status_code == 302 and right.location == page
    assert post_form(f"{page}/approve", {}, page=page).status_code == 302
    assert licence.status == LicenceStatus.APPROVED


def test_a_wrong_password_on_the_confirmation_counts_against_the_account(
    client, world, post_form, time_machine
):
    time_machine.move_to(STALE, tick=False)
    for _ in range(10):
        post_form("/account/confirm", {"password": "guess", "code": totp_code()})
    refused = post_form("/account/confirm", {"password": DEFAULT_PASSWORD, "code": totp_code()})
    assert field_errors(refused.text, "password") == [
        "Too many attempts to log in to this account. Try again later."
    ]


def test_a_fresh_log_in_lasts_fifteen_minutes_by_default(client, world, post_form, time_machine):
    user = world["user"]
    page = f"/admin/users/{user.id}"
    time_machine.move_to(START + timedelta(minutes=14), tick=False)
    assert post_form(f"{page}/promote", {}, page=page).location == page


def test_without_a_second_factor_the_password_alone_confirms(app, login, post_form, time_machine):
    time_machine.move_to(START, tick=False)
    user = make_user()
    browser = login(user, on=app.test_client())
    time_machine.move_to(STALE, tick=False)
    form = browser.get("/account/confirm").text
    assert 'name="password"' in form and 'name="code"' not in form
    done = post_form("/account/confirm?next=/account", {"password": DEFAULT_PASSWORD}, on=browser)
    assert done.status_code == 302 and done.location == "/account"
