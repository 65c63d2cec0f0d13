"""The back office's users: the list, a page per user, and each decision with its refusals."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select, update

from shop.accounts.administration import deactivate_user, promote_user
from shop.accounts.enums import Role
from shop.accounts.errors import AccountError
from shop.accounts.models import User, UserSession
from shop.audit.models import AuditEvent
from shop.database import utcnow
from shop.extensions import db
from shop.licensing.enums import GateReason, LicenceStatus
from shop.licensing.gate import may_buy
from tests.factories import (
    DEFAULT_PASSWORD,
    enrol_second_factor,
    make_admin,
    make_licence,
    make_product,
    make_professional,
    make_user,
)
from tests.functional.conftest import field_errors


def text(response) -> str:
    """The page's HTML, entities decoded and each run of white space one space."""
    return re.sub(r"\s+", " ", unescape(response.get_data(as_text=True)))


def audit_events() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def rows(html: str) -> dict[str, str]:
    """The user list's rows, keyed by the user's name."""
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body):
        name = re.search(r'href="/admin/users/\d+">([^<]+)</a>', row).group(1)
        found[name] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
    return found


def decide(client, csrf_token, user, action: str, reason: str = "", *, token=None):
    """Post one decision from the user's page, as the browser does (prefixed form)."""
    # What the test made is committed, as in the shop: a refused decision rolls back its own
    # transaction only (here, the test's transaction stays open and is rolled back at the end).
    db.session.commit()
    page = f"/admin/users/{user.id}"
    token = token or csrf_token(page)
    return client.post(
        f"{page}/{action}",
        data={f"{action}-csrf_token": token, f"{action}-reason": reason},
    )


def flashed(client, user) -> str:
    html = text(client.get(f"/admin/users/{user.id}"))
    return " ".join(re.findall(r'<div class="alert [^"]*">([^<]*)</div>', html))


# The list ------------------------------------------------------------------------------


def test_the_list_shows_each_users_role_account_state_and_licence_state(client, admin):
    make_professional(name="Pia Professional")
    waiting = make_user(name="Wanda Waiting")
    make_licence(waiting, status=LicenceStatus.PENDING)
    lapsed = make_user(name="Lars Lapsed")
    make_licence(lapsed, expires_in_days=30)
    lapsed_licence = make_licence(lapsed)
    lapsed_licence.expires_on = lapsed_licence.expires_on - timedelta(days=400)
    make_user(name="Dora Disabled", enabled=False)
    db.session.flush()
    found = rows(text(client.get("/admin/users")))
    assert "Customer Active Approved" in found["Pia Professional"]
    assert "Customer Active Waiting for review" in found["Wanda Waiting"]
    # The newest submission decides, as the professional lives it: approved but past its date.
    assert "Customer Active Expired" in found["Lars Lapsed"]
    assert "Customer Deactivated None" in found["Dora Disabled"]
    assert "Administrator Active None" in found["Dr Admin"]


def test_the_list_searches_email_and_name_ignoring_case(client, admin):
    make_user(name="Giulia Rossi", email="g.rossi@clinic.example")
    make_user(name="Marco Bianchi", email="marco@rossi-estetica.example")
    make_user(name="Anna Verdi", email="anna@example.org")
    by_name = rows(text(client.get("/admin/users?q=ROSSI")))
    assert set(by_name) == {"Giulia Rossi", "Marco Bianchi"}
    by_email = rows(text(client.get("/admin/users?q=anna@exa")))
    assert set(by_email) == {"Anna Verdi"}
    # LIKE's wildcards are searched for as themselves.
    nothing = text(client.get("/admin/users?q=%25"))
    assert "No user has an e-mail or name containing “%”." in nothing


def test_the_list_is_paginated_newest_first_and_keeps_the_search(client, admin):
    for n in range(27):
        user = make_user(name=f"Paged {n:02d}")
        user.created_at = utcnow() - timedelta(minutes=100 - n)
    db.session.flush()
    first = text(client.get("/admin/users?q=paged"))
    assert list(rows(first))[:2] == ["Paged 26", "Paged 25"]
    assert len(rows(first)) == 25 and "Page 1 of 2" in first
    assert 'href="/admin/users?page=2&q=paged"' in first
    second = rows(text(client.get("/admin/users?q=paged&page=2")))
    assert list(second) == ["Paged 01", "Paged 00"]


def test_a_users_page_shows_their_account_licences_and_no_decision_yet(client, admin):
    user = make_professional(name="Pia Professional", email="pia@example.org")
    html = text(client.get(f"/admin/users/{user.id}"))
    assert "pia@example.org" in html and "May buy under licence" in html
    assert re.search(r'href="/admin/licences/\d+">MCRN-', html)
    assert f'action="/admin/users/{user.id}/deactivate"' in html
    assert f'action="/admin/users/{user.id}/promote"' in html
    assert "/reactivate" not in html and "/demote" not in html
    assert "No decision about this account yet." in html
    assert f'href="/admin/audit?subject_type=user&subject_id={user.id}"' in html
    assert f'href="/admin/audit?actor={user.id}"' in html
    assert client.get("/admin/users/999999").status_code == 404


# Deactivate and reactivate --------------------------------------------------------------


def sessions_of(user) -> int:
    return db.session.scalar(
        select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id)
    )


def test_deactivating_ends_the_users_sessions_and_they_cannot_log_in_or_buy(
    app, client, admin, csrf_token, login
):
    user = make_professional(name="Pia Professional", email="pia@example.org")
    their_browser = login(user, on=app.test_client())
    assert their_browser.get("/account").status_code == 200
    assert sessions_of(user) == 1

    response = decide(client, csrf_token, user, "deactivate", "Licence fraud reported.")
    assert response.status_code == 302 and response.location.endswith(f"/admin/users/{user.id}")
    assert "Pia Professional (pia@example.org) was deactivated: their sessions ended." in flashed(
        client, user
    )
    assert user.is_enabled is False and sessions_of(user) == 0
    [event] = audit_events()
    assert (event.actor_id, event.action, event.subject_type, event.subject_id) == (
        admin.id,
        "user.deactivate",
        "user",
        user.id,
    )
    assert (event.from_state, event.to_state, event.reason) == (
        "active",
        "deactivated",
        "Licence fraud reported.",
    )
    assert event.created_at is not None

    answer = their_browser.get("/account")
    assert answer.status_code == 302 and answer.location.startswith("/login")
    log_in = app.test_client()
    token = csrf_token("/login", on=log_in)
    refused = log_in.post(
        "/login", data={"csrf_token": token, "email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert field_errors(text(refused), "email") == [
        "This account is disabled. Write to us if you think this is a mistake."
    ]
    verdict = may_buy(user, make_product(stock=3))
    assert (verdict.allowed, verdict.reason) == (False, GateReason.ACCOUNT_DISABLED)


def test_deactivating_needs_a_reason(client, admin, csrf_token):
    user = make_user()
    response = decide(client, csrf_token, user, "deactivate", "   ")
    assert response.status_code == 400
    assert field_errors(text(response), "deactivate-reason") == [
        "Give the reason: the audit trail keeps it."
    ]
    assert user.is_enabled is True and audit_events() == []


def test_a_post_without_its_csrf_token_changes_nothing(client, admin):
    user = make_user()
    response = client.post(f"/admin/users/{user.id}/deactivate", data={"deactivate-reason": "x"})
    assert response.status_code == 400
    assert user.is_enabled is True and audit_events() == []


def test_reactivating_lets_the_user_log_in_again_but_old_sessions_stay_ended(
    app, client, admin, csrf_token, login
):
    user = make_user(name="Rita Returning")
    their_browser = login(user, on=app.test_client())
    decide(client, csrf_token, user, "deactivate", "Unpaid invoices.")
    response = decide(client, csrf_token, user, "reactivate", "Invoices settled.")
    assert response.status_code == 302
    assert "Rita Returning" in flashed(client, user)
    assert user.is_enabled is True
    assert [(e.action, e.from_state, e.to_state, e.reason) for e in audit_events()] == [
        ("user.deactivate", "active", "deactivated", "Unpaid invoices."),
        ("user.reactivate", "deactivated", "active", "Invoices settled."),
    ]
    # The session from before the deactivation named the old token: it stays ended.
    assert their_browser.get("/account").status_code == 302
    assert login(user, on=app.test_client()).get("/account").status_code == 200
    html = text(client.get(f"/admin/users/{user.id}"))
    assert "deactivated → active by Dr Admin: Invoices settled." in html


# Promote and demote ----------------------------------------------------------------------


def test_promoting_gives_the_back_office_and_demoting_takes_it_away(
    app, client, admin, csrf_token, login
):
    user = make_user(name="Paolo Promoted")
    their_browser = login(user, on=app.test_client())
    assert their_browser.get("/admin/").status_code == 404

    assert decide(client, csrf_token, user, "promote").status_code == 302
    assert user.role == Role.ADMIN
    assert re.search(r"Paolo Promoted \(\S+\) was made an administrator\.", flashed(client, user))
    # A new administrator sets up a second factor before the back office opens.
    first_visit = their_browser.get("/admin/")
    assert first_visit.status_code == 303 and first_visit.location == "/account/two-factor"
    enrol_second_factor(user)
    assert their_browser.get("/admin/").status_code == 200

    refused = decide(client, csrf_token, user, "demote", "")
    assert refused.status_code == 400 and user.role == Role.ADMIN
    assert decide(client, csrf_token, user, "demote", "Left the company.").status_code == 302
    assert user.role == Role.CUSTOMER
    assert their_browser.get("/admin/").status_code == 404
    assert [(e.action, e.from_state, e.to_state, e.reason) for e in audit_events()] == [
        ("user.promote", "customer", "admin", ""),
        ("user.demote", "admin", "customer", "Left the company."),
    ]


# Refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["deactivate", "demote"])
def test_an_administrator_cannot_deactivate_or_demote_themselves(client, admin, csrf_token, action):
    page = text(client.get(f"/admin/users/{admin.id}"))
    assert f"/{action}" not in page and "This is your own account" in page
    token = csrf_token("/admin/users")
    response = decide(client, csrf_token, admin, action, "Trying anyway.", token=token)
    assert response.status_code == 302
    assert f"You cannot {action} your own account: ask another administrator." in flashed(
        client, admin
    )
    assert (admin.role, admin.is_enabled) == (Role.ADMIN, True)
    assert audit_events() == []


def test_a_decision_on_a_state_that_changed_meanwhile_is_refused_with_who_changed_it(
    client, admin, csrf_token
):
    user = make_user(name="Stale Stella")
    other = make_admin(name="Admin Two")
    token = csrf_token(f"/admin/users/{user.id}")  # the page, as the first admin saw it
    deactivate_user(other, user.id, reason="Spam orders.")
    promote_user(other, user.id)

    deactivated_twice = decide(client, csrf_token, user, "deactivate", "Spam.", token=token)
    assert deactivated_twice.status_code == 302
    assert (
        "Nothing was changed: Stale Stella's account is deactivated now, last changed by "
        "Admin Two, so it cannot be deactivated." in flashed(client, user)
    )
    decide(client, csrf_token, user, "promote", token=token)
    assert "account is admin now, last changed by Admin Two, so it cannot be made an " in flashed(
        client, user
    )
    assert [event.actor_id for event in audit_events()] == [other.id, other.id]


@pytest.mark.parametrize(
    ("action", "make", "state"),
    [
        ("reactivate", make_user, "active"),
        ("demote", make_user, "customer"),
        ("promote", make_admin, "admin"),
    ],
)
def test_each_decision_is_refused_when_the_account_is_not_in_its_starting_state(
    client, admin, csrf_token, action, make, state
):
    user = make(name="Settled Sam")
    token = csrf_token("/admin/users")
    decide(client, csrf_token, user, action, "A reason.", token=token)
    assert f"Nothing was changed: Settled Sam's account is {state} now, so it cannot be" in (
        flashed(client, user)
    )
    assert audit_events() == []


def test_an_administrator_demoted_meanwhile_cannot_decide_any_more(app):
    acting = make_admin()
    user = make_user()
    # Another administrator's demotion, committed while this one's request was on its way:
    # the decision reads the actor afresh under its lock.
    db.session.execute(update(User).where(User.id == acting.id).values(role=Role.CUSTOMER))
    with pytest.raises(AccountError) as refused:
        deactivate_user(acting, user.id, reason="Too late.")
    assert refused.value.code == AccountError.NOT_ADMINISTRATOR
    assert user.is_enabled is True and audit_events() == []


def test_deciding_about_a_user_that_does_not_exist_is_a_404(client, admin, csrf_token):
    token = csrf_token("/admin/users")
    response = client.post(
        "/admin/users/999999/deactivate",
        data={"deactivate-csrf_token": token, "deactivate-reason": "Gone."},
    )
    assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
