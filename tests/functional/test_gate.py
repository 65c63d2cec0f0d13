"""The purchase gate: one answer, with its reason and next step, for every buyer and product."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from shop.catalog.enums import Profession
from shop.inventory.services import today
from shop.licensing.enums import GateReason, LicenceStatus
from shop.licensing.gate import buyer_standing, may_buy, verdict
from shop.licensing.services import current_licence
from tests.factories import make_licence, make_product, make_professional, make_user


@pytest.fixture
def product(app):
    return make_product(
        "Hydra Gate", professions=[Profession.PHYSICIAN, Profession.DERMATOLOGIST], stock=5
    )


def test_an_anonymous_visitor_is_asked_to_log_in(product):
    answer = may_buy(None, product)
    assert (answer.allowed, answer.reason) == (False, GateReason.NOT_LOGGED_IN)
    assert answer.message.startswith("Log in")
    assert (answer.next_step.label, answer.next_step.endpoint) == ("Log in", "accounts.login")


def test_a_disabled_account_may_not_buy_even_with_a_licence(product):
    user = make_professional(enabled=False)
    answer = may_buy(user, product)
    assert (answer.allowed, answer.reason) == (False, GateReason.ACCOUNT_DISABLED)
    assert answer.next_step is None


def test_an_unconfirmed_email_comes_first(product):
    user = make_user(confirmed=False)
    make_licence(user)
    answer = may_buy(user, product)
    assert answer.reason == GateReason.EMAIL_NOT_CONFIRMED
    assert answer.next_step.label == "Confirm your e-mail"
    assert answer.next_step.endpoint == "accounts.account"


def test_no_licence_asks_for_one(product):
    answer = may_buy(make_user(), product)
    assert answer.reason == GateReason.NO_LICENCE
    assert answer.message.startswith("Submit your licence")
    assert answer.next_step.endpoint == "licensing.licence"


def test_a_pending_licence_waits_for_review(product):
    user = make_user()
    make_licence(user, status=LicenceStatus.PENDING)
    answer = may_buy(user, product)
    assert answer.reason == GateReason.LICENCE_PENDING
    assert answer.message.startswith("Your licence is waiting for review")


def test_a_rejected_licence_gives_the_reviewers_reason(product):
    user = make_user()
    licence = make_licence(user, status=LicenceStatus.REJECTED)
    licence.reason = "The scan is unreadable."
    answer = may_buy(user, product)
    assert answer.reason == GateReason.LICENCE_REJECTED
    assert answer.message.startswith("Your licence was rejected: The scan is unreadable.")
    assert answer.next_step.label == "Submit a new licence"


def test_a_revoked_licence_gives_the_reason(product):
    user = make_user()
    licence = make_licence(user, status=LicenceStatus.REVOKED)
    licence.reason = "Struck off the register"
    answer = may_buy(user, product)
    assert answer.reason == GateReason.LICENCE_REVOKED
    assert answer.message.startswith("Your licence was revoked: Struck off the register.")


def test_a_licence_marked_expired_asks_for_the_renewal_with_its_date(product):
    user = make_user()
    licence = make_licence(user, status=LicenceStatus.EXPIRED, expires_in_days=-3)
    licence.expires_on = date(2027, 3, 3)
    answer = verdict(buyer_standing(user, date(2027, 3, 6)), product)
    assert answer.reason == GateReason.LICENCE_EXPIRED
    assert answer.message == "Your licence expired on 3 March 2027: upload the renewal."
    assert answer.next_step.label == "Upload the renewal"


def test_an_approved_licence_past_its_date_stops_purchases_without_the_expiry_job(product):
    user = make_user()
    make_licence(user, expires_in_days=-1)  # still "approved": no job has run
    answer = may_buy(user, product)
    assert answer.reason == GateReason.LICENCE_EXPIRED
    expired_on = today() - timedelta(days=1)
    assert f"expired on {expired_on.day} {expired_on:%B %Y}" in answer.message


def test_the_expiry_day_itself_is_still_valid(product):
    user = make_user()
    licence = make_licence(user)
    assert buyer_standing(user, licence.expires_on).verified
    assert not buyer_standing(user, licence.expires_on + timedelta(days=1)).verified


def test_a_profession_not_allowed_is_told_who_the_product_is_for(product):
    nurse = make_professional(profession=Profession.NURSE)
    answer = may_buy(nurse, product)
    assert answer.reason == GateReason.PROFESSION_NOT_ALLOWED
    assert answer.message == (
        "Not sold to nurses: this product is for physicians and dermatologists."
    )


def test_a_verified_professional_of_an_allowed_profession_may_buy(product):
    answer = may_buy(make_professional(profession=Profession.DERMATOLOGIST), product)
    assert (answer.allowed, answer.reason) == (True, GateReason.ALLOWED)


def test_the_current_licence_wins_over_a_newer_pending_renewal(product):
    user = make_user()
    make_licence(user)
    make_licence(user, status=LicenceStatus.PENDING)  # the renewal, submitted later
    assert may_buy(user, product).allowed


def test_without_a_current_licence_the_newest_one_speaks(product):
    user = make_user()
    old = make_licence(user, expires_in_days=-10)  # approved, lapsed
    old.submitted_at = datetime(2026, 1, 1, tzinfo=UTC)
    renewal = make_licence(user, status=LicenceStatus.REJECTED)
    renewal.reason = "Wrong country"
    assert may_buy(user, product).reason == GateReason.LICENCE_REJECTED


def test_revoking_the_newest_approved_licence_ends_buying_even_with_an_older_one_unexpired(
    product,
):
    user = make_user()
    older = make_licence(user, expires_in_days=200)
    older.submitted_at = datetime(2026, 1, 1, tzinfo=UTC)
    newest = make_licence(user, status=LicenceStatus.REVOKED, expires_in_days=400)
    newest.reason = "Suspended by the medical council"
    assert current_licence(user) is None  # the licensing rule and the gate agree
    answer = may_buy(user, product)
    assert (answer.allowed, answer.reason) == (False, GateReason.LICENCE_REVOKED)
    assert "Suspended by the medical council" in answer.message


def test_an_approved_renewal_supersedes_the_licence_before_it(product):
    user = make_user()
    older = make_licence(user, profession=Profession.NURSE, expires_in_days=30)
    older.submitted_at = datetime(2026, 1, 1, tzinfo=UTC)
    make_licence(user, profession=Profession.PHYSICIAN, expires_in_days=400)
    assert buyer_standing(user, today()).profession == Profession.PHYSICIAN
    assert may_buy(user, product).allowed


def test_a_standing_costs_one_query_and_verdicts_none(product, count_queries):
    user = make_professional()
    others = [make_product(professions=[Profession.NURSE]) for _ in range(5)]
    with count_queries() as counter:
        standing = buyer_standing(user, today())
        answers = [verdict(standing, item) for item in [product, *others]]
    assert len(counter) == 1
    assert [answer.allowed for answer in answers] == [True] + [False] * 5


def test_a_licence_that_expires_while_the_session_is_open_stops_purchases_at_midnight(
    app, client, login, session, product
):
    user = make_user()
    licence = make_licence(user, expires_in_days=0)  # expires today, the last valid day
    session.commit()
    last_minute = datetime.combine(licence.expires_on, time(23, 59), tzinfo=UTC)

    with time_machine.travel(last_minute, tick=False):
        login(user)  # at that time: a session idle since the morning would have ended
        page = client.get("/products/" + product.slug).get_data(as_text=True)
        assert "Add to cart" in page
        token = _token(page)
        response = client.post(
            "/cart/add",
            data={"csrf_token": token, "product_id": product.id, "quantity": 1, "next": "/cart"},
        )
        assert response.status_code == 303
        assert "Hydra Gate" in client.get("/cart").get_data(as_text=True)

    with time_machine.travel(last_minute + timedelta(minutes=2), tick=False):  # the next day
        page = client.get("/products/" + product.slug).get_data(as_text=True)
        expiry = f"{licence.expires_on.day} {licence.expires_on:%B %Y}"
        assert f"Your licence expired on {expiry}: upload the renewal." in page
        assert "Add to cart" not in page
        token = _token(client.get("/cart").get_data(as_text=True))
        response = client.post(
            "/cart/add",
            data={"csrf_token": token, "product_id": product.id, "quantity": 1, "next": "/cart"},
            follow_redirects=True,
        )
        cart = response.get_data(as_text=True)
        assert "Your licence expired on" in cart
        assert 'data-problem="licence_expired"' in cart  # the line already there is flagged
        assert 'value="1"' in cart  # and nothing was added


def _token(html: str) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
