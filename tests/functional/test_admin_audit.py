"""The audit log page: every event, newest first, filtered by actor, subject and action;
and the trail cannot be changed, through the application or beneath it."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.exc import DatabaseError

from shop.audit.models import AuditEvent
from shop.audit.services import record_event
from shop.database import utcnow
from shop.extensions import db
from tests.factories import make_admin, make_licence, make_product, make_user


def text(response) -> str:
    return re.sub(r"\s+", " ", unescape(response.get_data(as_text=True)))


def event(actor, action, subject_type, subject_id, minutes_ago, reason="") -> AuditEvent:
    """An event recorded ``minutes_ago`` (written whole: the trail refuses a later change)."""
    recorded = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        reason=reason,
        created_at=utcnow() - timedelta(minutes=minutes_ago),
    )
    db.session.add(recorded)
    db.session.flush()
    return recorded


def listed(html: str) -> list[str]:
    """The reasons in the log's rows, top to bottom (each test's events have distinct ones)."""
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return re.findall(r'<td class="text-break">([^<]*)</td>', body)


@pytest.fixture
def trail(admin):
    other = make_admin(name="Admin Two")
    customer = make_user(name="Carla Customer")
    licence = make_licence(make_user())
    event(admin, "licence.approve", "licence", licence.id, 50, reason="first")
    event(other, "user.deactivate", "user", customer.id, 40, reason="second")
    event(None, "licence.expire", "licence", licence.id, 30, reason="third")
    event(admin, "user.reactivate", "user", customer.id, 20, reason="fourth")
    event(other, "order.refund", "order", 7, 10, reason="fifth")
    db.session.flush()
    return {"other": other, "customer": customer, "licence": licence}


def test_every_event_newest_first_with_who_what_from_to_and_why(client, trail):
    html = text(client.get("/admin/audit"))
    assert listed(html) == ["fifth", "fourth", "third", "second", "first"]
    assert "5 in all" in html
    customer = trail["customer"]
    row = re.search(r"<tr>((?:(?!</tr>).)*second(?:(?!</tr>).)*)</tr>", html).group(1)
    assert f'href="/admin/users/{trail["other"].id}">Admin Two</a>' in row
    assert "<code>user.deactivate</code>" in row
    assert f'<a href="/admin/users/{customer.id}">user {customer.id}</a>' in row
    # A subject with no page of its own is named, not linked; an event of a job has no actor.
    assert "<td>order 7</td>" in html and "<td>The system</td>" in html
    licence = trail["licence"]
    assert f'<a href="/admin/licences/{licence.id}">licence {licence.id}</a>' in html


def test_the_log_filters_by_actor_subject_and_action(client, admin, trail):
    other, customer, licence = trail["other"], trail["customer"], trail["licence"]
    assert listed(text(client.get(f"/admin/audit?actor={other.id}"))) == ["fifth", "second"]
    assert listed(text(client.get("/admin/audit?actor=system"))) == ["third"]
    assert listed(text(client.get("/admin/audit?subject_type=user"))) == ["fourth", "second"]
    by_subject = f"/admin/audit?subject_type=licence&subject_id={licence.id}"
    assert listed(text(client.get(by_subject))) == ["third", "first"]
    assert listed(text(client.get("/admin/audit?action=user.reactivate"))) == ["fourth"]
    both = f"/admin/audit?actor={admin.id}&subject_type=user&subject_id={customer.id}"
    assert listed(text(client.get(both))) == ["fourth"]
    nothing = text(client.get(f"/admin/audit?actor={admin.id}&action=order.refund"))
    assert "No event matches these filters." in nothing


def test_the_filters_offer_the_values_in_the_trail_and_keep_the_chosen_ones(client, admin, trail):
    html = text(client.get(f"/admin/audit?actor={admin.id}&action=licence.approve"))
    assert f'<option value="{admin.id}" selected>Dr Admin (' in html
    assert f'<option value="{trail["other"].id}">Admin Two (' in html
    assert '<option value="licence.approve" selected>licence.approve</option>' in html
    assert '<option value="order.refund">order.refund</option>' in html
    assert '<option value="order">order</option>' in html
    assert 'href="/admin/audit">Show everything</a>' in html


@pytest.mark.parametrize(
    "query", ["subject_id=seven", "subject_id=-1", "actor=someone", "subject_id=1e3"]
)
def test_a_malformed_number_in_a_filter_is_refused(client, admin, query):
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code == 400
    assert "must be a whole number" in text(response)


def test_the_log_is_paginated_and_the_pages_keep_the_filter(client, admin):
    for n in range(53):
        event(admin, "user.promote", "user", 1, 100 - n, reason=f"r{n:02d}")
    event(admin, "user.demote", "user", 1, 1, reason="other action")
    first = text(client.get("/admin/audit?action=user.promote"))
    assert len(listed(first)) == 50 and listed(first)[0] == "r52"
    assert "Page 1 of 2" in first
    assert 'href="/admin/audit?page=2&action=user.promote"' in first
    second = text(client.get("/admin/audit?action=user.promote&page=2"))
    assert listed(second) == ["r02", "r01", "r00"]


def test_the_log_costs_the_same_statements_whatever_the_number_of_actors(
    client, admin, count_queries
):
    def statements() -> int:
        with count_queries() as counter:
            assert client.get("/admin/audit").status_code == 200
        return len(counter)

    event(admin, "user.promote", "user", 1, 5)
    few = statements()
    for n in range(5):
        event(make_admin(), "user.promote", "user", n, 4)
    assert statements() == few


def test_no_route_of_the_application_can_change_the_trail(app):
    audit_rules = [rule for rule in app.url_map.iter_rules() if "audit" in rule.rule]
    assert [rule.endpoint for rule in audit_rules] == ["admin.audit_list"]
    assert audit_rules[0].methods <= {"GET", "HEAD", "OPTIONS"}


@pytest.mark.parametrize("change", ["update", "delete"])
def test_the_orm_refuses_to_change_or_delete_an_event(admin, change):
    recorded = record_event(
        actor=admin, action="user.promote", subject_type="user", subject_id=1, reason="kept"
    )
    refused = pytest.raises(RuntimeError, match="is part of the trail and cannot change")
    with refused, db.session.begin_nested():
        if change == "update":
            recorded.reason = "rewritten"
        else:
            db.session.delete(recorded)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET reason = 'rewritten' WHERE id = :id",
        "DELETE FROM audit_events WHERE id = :id",
    ],
)
def test_the_database_refuses_raw_sql_that_changes_or_deletes_an_event(admin, statement):
    recorded = event(admin, "user.promote", "user", 1, 5, reason="kept")
    db.session.flush()
    refused = pytest.raises(DatabaseError, match="audit_events is append-only")
    with refused, db.session.begin_nested():
        db.session.execute(sa.text(statement), {"id": recorded.id})
    reason = db.session.scalar(select(AuditEvent.reason).where(AuditEvent.id == recorded.id))
    assert reason == "kept"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_a_product_event_links_to_the_products_back_office_page(client, admin):
    product = make_product("Audit Linked")
    event(admin, "product.update", "product", product.id, 5, reason="price")
    html = text(client.get("/admin/audit"))
    assert f'<a href="/admin/products/{product.id}">product {product.id}</a>' in html
