"""The administrators' licence queue: the list, the detail with its preview, the decisions."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from shop.audit.models import AuditEvent
from shop.database import utcnow
from shop.extensions import db
from shop.licensing.enums import LicenceStatus
from shop.licensing.models import Licence
from shop.mail.models import OutboxMessage
from tests.factories import make_licence, make_user

PENDING = LicenceStatus.PENDING
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def text(response) -> str:
    return response.get_data(as_text=True)


def licence_numbers(html: str) -> list[str]:
    return re.findall(r'href="/admin/licences/\d+">([^<]+)</a>', html)


def licence_submitted(minutes_ago: int, status=PENDING, **kw) -> Licence:
    licence = make_licence(make_user(), status=status, **kw)
    licence.submitted_at = utcnow() - timedelta(minutes=minutes_ago)
    db.session.flush()
    return licence


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_dashboard_counts_the_waiting_licences_and_links_to_the_queue(client, admin):
    licence_submitted(5)
    licence_submitted(6)
    licence_submitted(7, status=LicenceStatus.APPROVED)
    html = text(client.get("/admin/"))
    assert re.search(r"data-pending-count>2<", html)
    assert 'href="/admin/licences?status=pending"' in html


def test_the_queue_lists_pending_first_then_oldest_first(client, admin):
    decided_long_ago = licence_submitted(500, status=LicenceStatus.APPROVED)
    newer = licence_submitted(10)
    older = licence_submitted(90)
    rejected = licence_submitted(200, status=LicenceStatus.REJECTED)
    order = licence_numbers(text(client.get("/admin/licences")))
    expected = [older, newer, decided_long_ago, rejected]
    assert order == [licence.licence_number for licence in expected]


def test_the_queue_filters_by_status(client, admin):
    pending = licence_submitted(10)
    rejected = licence_submitted(20, status=LicenceStatus.REJECTED)
    html = text(client.get("/admin/licences?status=rejected"))
    assert licence_numbers(html) == [rejected.licence_number]
    assert pending.licence_number not in html
    assert '<h1 class="h3 mb-3">Licences: rejected</h1>' in html
    refused = client.get("/admin/licences?status=lost")
    assert refused.status_code == 400 and "There is no licence status" in text(refused)


def test_the_queue_is_paginated(client, admin):
    user = make_user()
    for _ in range(27):
        make_licence(user, status=LicenceStatus.EXPIRED)
    first = text(client.get("/admin/licences?status=expired"))
    assert len(licence_numbers(first)) == 25
    assert "Page 1 of 2" in first
    assert 'href="/admin/licences?page=2&amp;status=expired"' in first
    second = text(client.get("/admin/licences?status=expired&page=2"))
    assert len(licence_numbers(second)) == 2


def test_the_detail_shows_the_facts_the_pdf_preview_and_the_earlier_licences(client, admin):
    user = make_user(name="Niamh Kelly", email="niamh@example.org")
    earlier = make_licence(user, status=LicenceStatus.REJECTED)
    licence = make_licence(user, status=PENDING, country="US", npi="1234567893")
    response = client.get(f"/admin/licences/{licence.id}")
    html = text(response)
    assert "Niamh Kelly" in html and "niamh@example.org" in html and "1234567893" in html
    assert "United States" in html and licence.document.sha256 in html
    assert (
        f'<iframe class="licence-preview border rounded w-100" src="/admin/licences/{licence.id}/preview"'
        in html
    )
    assert f'href="/admin/licences/{earlier.id}">{earlier.licence_number}</a>' in html
    assert f'action="/admin/licences/{licence.id}/approve"' in html
    # This page alone may frame the preview; it is itself never framed.
    policy = response.headers["Content-Security-Policy"]
    assert "frame-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    other_page = client.get("/admin/licences")
    # Elsewhere only the configured Stripe.js origin may be framed, never the shop itself.
    directives = dict(
        part.split(" ", 1) for part in other_page.headers["Content-Security-Policy"].split("; ")
    )
    assert "'self'" not in directives["frame-src"]


def test_an_image_is_previewed_with_an_img(client, admin):
    licence = make_licence(make_user())
    licence.document.content_type = "image/png"
    licence.document.data = PNG_BYTES
    db.session.flush()
    html = text(client.get(f"/admin/licences/{licence.id}"))
    assert (
        f'<img class="licence-preview-image img-fluid border rounded" src="/admin/licences/{licence.id}/preview"'
        in html
    )
    assert "<iframe" not in html


def test_the_preview_is_inline_and_may_be_framed_by_the_shop_only(client, admin):
    licence = make_licence(make_user())
    response = client.get(f"/admin/licences/{licence.id}/preview")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline;")
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "sandbox" in policy
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert client.get("/admin/licences/999999/preview").status_code == 404


def test_approving_from_the_page(client, admin, csrf_token):
    user = make_user()
    licence = make_licence(user, status=PENDING)
    page = f"/admin/licences/{licence.id}"
    response = client.post(f"{page}/approve", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302 and response.location.endswith(page)
    assert db.session.get(Licence, licence.id).status == LicenceStatus.APPROVED
    follow = text(client.get(page))
    assert f"Licence {licence.licence_number} approved" in follow
    assert "pending → approved" in follow and "by Dr Admin" in follow
    assert count(AuditEvent) == 1 and count(OutboxMessage) == 1


def test_rejecting_without_a_reason_is_refused_on_the_page(client, admin, csrf_token):
    licence = make_licence(make_user(), status=PENDING)
    page = f"/admin/licences/{licence.id}"
    response = client.post(f"{page}/reject", data={"csrf_token": csrf_token(page), "reason": "  "})
    assert response.status_code == 400
    assert "Give the reason for the rejection." in text(response)
    assert db.session.get(Licence, licence.id).status == PENDING
    assert count(AuditEvent) == 0 and count(OutboxMessage) == 0


def test_rejecting_and_revoking_with_reasons(client, admin, csrf_token):
    pending = make_licence(make_user(), status=PENDING)
    approved = make_licence(make_user())
    token = csrf_token("/admin/licences")
    client.post(
        f"/admin/licences/{pending.id}/reject", data={"csrf_token": token, "reason": "Illegible."}
    )
    client.post(
        f"/admin/licences/{approved.id}/revoke", data={"csrf_token": token, "reason": "Suspended."}
    )
    assert (pending.status, pending.reason) == (LicenceStatus.REJECTED, "Illegible.")
    assert (approved.status, approved.reason) == (LicenceStatus.REVOKED, "Suspended.")
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["licence.reject", "licence.revoke"]
    assert count(OutboxMessage) == 2


def test_the_second_decision_is_told_it_was_already_decided(client, admin, csrf_token, login):
    licence = make_licence(make_user(), status=PENDING)
    page = f"/admin/licences/{licence.id}"
    token = csrf_token(page)
    client.post(f"{page}/approve", data={"csrf_token": token})
    response = client.post(f"{page}/reject", data={"csrf_token": token, "reason": "Too late."})
    assert response.status_code == 302
    follow = text(client.get(page))
    assert (
        "This licence was already decided by Dr Admin: it is approved. Nothing was changed."
        in follow
    )
    assert count(AuditEvent) == 1 and count(OutboxMessage) == 1


def test_deciding_a_licence_that_does_not_exist_is_a_404(client, admin, csrf_token):
    token = csrf_token("/admin/licences")
    response = client.post("/admin/licences/999999/approve", data={"csrf_token": token})
    assert response.status_code == 404
