"""The course planner, saved plans, the reminder and the patient leaflet."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from shop.catalog.enums import Profession, TreatmentArea
from shop.checkout.models import CartLine
from shop.courses.leaflet import DEFAULT_TEXT
from shop.courses.models import CoursePlan
from shop.courses.planning import plan_course, read_plan_request
from shop.courses.plans import send_course_reminders
from shop.database import utcnow
from shop.extensions import db
from shop.inventory.services import receive_stock, today
from shop.mail.models import OutboxMessage
from tests.factories import (
    give_protocol,
    make_admin,
    make_indication,
    make_product,
    make_professional,
    make_user,
)


@pytest.fixture
def hair(app):
    indication = make_indication("Hair loss", area=TreatmentArea.SCALP)
    product = make_product(
        "Scalp Serum", indications=[indication], volume_ml="5", units_per_pack=5, price_cents=15000
    )
    give_protocol(product, sessions=(4, 8), interval_days=14, volumes={"scalp": "5"})
    return indication, product


def _args(indication, start, **extra):
    return {
        "indication": indication.slug,
        "patients": "2",
        "sessions": "6",
        "start": start.isoformat(),
        **extra,
    }


def _plan(indication, start, **extra):
    request = read_plan_request(_args(indication, start, **extra), today=today())
    return plan_course(request, today=today())


def _lot(product, number, days, quantity):
    return receive_stock(
        product, lot_number=number, expires_on=today() + timedelta(days=days), quantity=quantity
    )


def test_the_plan_takes_lots_first_expiry_first_and_flags_one_that_ends_before_the_last_session(
    hair,
):
    indication, product = hair
    _lot(product, "LATE", 400, 20)
    _lot(product, "SOON", 40, 1)
    start = today() + timedelta(days=1)
    # 2 patients x 6 sessions x 5 ml = 60 ml; 25 ml a pack: 3 packs; last session day 71.
    [line] = _plan(indication, start).lines
    assert (line.volume_needed_ml, line.packs, line.cost_cents) == (60, 3, 45000)
    assert [(s.lot_number, s.packs, s.expires_too_soon) for s in line.lots] == [
        ("SOON", 1, True),
        ("LATE", 2, False),
    ]
    assert line.expires_too_soon and line.covered and line.available == 21


def test_no_flag_when_every_lot_outlasts_the_course(hair):
    indication, product = hair
    _lot(product, "SOON", 40, 5)
    start = today() + timedelta(days=1)
    # Two sessions: the last is on day 15, before the lot expires on day 40.
    [line] = _plan(indication, start, sessions="2").lines
    assert [(s.lot_number, s.expires_too_soon) for s in line.lots] == [("SOON", False)]
    assert not line.expires_too_soon


def test_a_lot_expiring_on_the_last_session_day_is_flagged(hair):
    indication, product = hair
    start = today() + timedelta(days=1)
    _lot(product, "EDGE", 1 + 14 * 5, 10)  # the sixth session's day
    [line] = _plan(indication, start).lines
    assert line.last_session == today() + timedelta(days=71)
    assert line.lots[0].expires_too_soon


def test_short_stock_is_said_and_the_default_sessions_are_the_usual_most(hair):
    indication, product = hair
    _lot(product, "LATE", 400, 1)
    [line] = _plan(indication, today(), sessions="").lines
    assert line.sessions == 8 and line.packs == 4  # 2 x 8 x 5 = 80 ml
    assert not line.covered and line.available == 1


def test_bad_parameters_are_each_named(app):
    from shop.courses.errors import PlanFieldErrors

    with pytest.raises(PlanFieldErrors) as refused:
        read_plan_request(
            {"indication": "no-such", "patients": "0", "sessions": "x", "start": "2001-01-01"},
            today=today(),
        )
    assert set(refused.value.errors) == {"indication", "patients", "sessions", "start"}


# Pages ----------------------------------------------------------------------------------


def test_the_planner_is_for_verified_professionals(client, login):
    assert client.get("/planner").status_code == 302  # to log in
    login(make_user())
    response = client.get("/planner")
    assert response.status_code == 403
    assert "Submit your licence" in response.get_data(as_text=True)


def test_the_planner_page_shows_packs_cost_and_lots(client, login, hair):
    indication, product = hair
    _lot(product, "SOON", 40, 1)
    _lot(product, "LATE", 400, 20)
    login(make_professional())
    start = today() + timedelta(days=1)
    page = client.get("/planner", query_string=_args(indication, start)).get_data(as_text=True)
    assert 'data-packs="3"' in page
    assert "€450.00" in page and "excl. VAT" in page
    assert "expires before the last session" in page
    bad = client.get("/planner", query_string={**_args(indication, start), "patients": "0"})
    assert bad.status_code == 400
    assert "The number of patients is a whole number from 1 to 500." in bad.get_data(as_text=True)


def _post(client, csrf_token, path, indication, start, products, **extra):
    db.session.commit()  # what the test set up outlives a refusal's rollback
    data = {**_args(indication, start), "product": [str(p.id) for p in products], **extra}
    data["csrf_token"] = csrf_token("/planner")
    return client.post(path, data=data)


def test_adding_the_plan_puts_its_packs_in_the_cart(client, login, csrf_token, hair):
    indication, product = hair
    _lot(product, "LATE", 400, 20)
    login(make_professional())
    response = _post(client, csrf_token, "/planner/cart", indication, today(), [product])
    assert response.status_code == 303 and response.headers["Location"].endswith("/cart")
    [line] = db.session.scalars(select(CartLine)).all()
    assert (line.product_id, line.quantity) == (product.id, 3)


def test_the_gate_refuses_a_plan_product_the_profession_may_not_buy(
    client, login, csrf_token, hair
):
    indication, _ = hair
    doctors_only = make_product(
        "Doctors' Serum", indications=[indication], professions=[Profession.PHYSICIAN], stock=50
    )
    give_protocol(doctors_only, volumes={"scalp": "2"})
    login(make_professional(profession=Profession.NURSE))
    response = _post(client, csrf_token, "/planner/cart", indication, today(), [doctors_only])
    assert response.status_code == 303 and "/planner?" in response.headers["Location"]
    assert db.session.scalars(select(CartLine)).all() == []
    assert "Not sold to nurses" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_nothing_ticked_is_refused_with_a_reason(client, login, csrf_token, hair):
    indication, _ = hair
    login(make_professional())
    response = _post(client, csrf_token, "/planner/cart", indication, today(), [])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tick at least one product for the plan." in page


def test_a_saved_plan_is_its_owners_ordered_again_and_reminded_once(
    app, client, login, csrf_token, hair
):
    indication, product = hair
    _lot(product, "LATE", 400, 50)
    owner = make_professional()
    login(owner)
    response = _post(
        client, csrf_token, "/planner/plans", indication, today(), [product], name="Scalp, spring"
    )
    plan = db.session.scalar(select(CoursePlan))
    assert response.headers["Location"].endswith(f"/planner/plans/{plan.id}")
    assert (plan.name, plan.patients, plan.sessions, plan.user_id) == (
        "Scalp, spring",
        2,
        6,
        owner.id,
    )
    assert plan.reminder_due_on.year == today().year + 1
    assert "Scalp, spring" in client.get("/planner/plans").get_data(as_text=True)

    login(make_professional())
    assert client.get(f"/planner/plans/{plan.id}").status_code == 404
    login(owner)

    # Not due yet: nothing; due: one mail; again: none.
    assert send_course_reminders(utcnow()).sent == []
    due = utcnow() + timedelta(days=400)
    assert send_course_reminders(due).sent == [plan.id]
    assert send_course_reminders(due).sent == []
    [mail] = db.session.scalars(select(OutboxMessage)).all()
    assert mail.to_address == owner.email and "Scalp, spring" in mail.subject

    # Ordering again starts a new course: new dates, and its own reminder later.
    start = today() + timedelta(days=30)
    token = csrf_token(f"/planner/plans/{plan.id}")
    response = client.post(
        f"/planner/plans/{plan.id}/order", data={"start": start.isoformat(), "csrf_token": token}
    )
    assert response.status_code == 303
    assert plan.first_session_on == start and plan.reminder_sent_at is None
    assert db.session.scalar(select(CartLine.quantity)) == 3


def test_a_plan_needs_a_name(client, login, csrf_token, hair):
    indication, product = hair
    login(make_professional())
    response = _post(client, csrf_token, "/planner/plans", indication, today(), [product], name=" ")
    assert "Name the plan after your protocol" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert db.session.scalar(select(CoursePlan)) is None


# The leaflet ----------------------------------------------------------------------------


def test_the_leaflet_pdf_reads_back_with_dates_clinic_and_every_aftercare_point(
    client, login, hair
):
    indication, product = hair
    user = make_professional()
    user.clinic_name, user.clinic_phone = "Clinique du Parc", "+33 1 23 45 67 89"
    login(user)
    start = today() + timedelta(days=3)
    response = client.get(
        f"/planner/leaflet/{product.slug}.pdf", query_string=_args(indication, start)
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    text = " ".join(text.split())
    assert "Clinique du Parc" in text and "+33 1 23 45 67 89" in text
    for n in range(6):
        day = start + timedelta(days=14 * n)
        assert f"{day.day} {day.strftime('%B')} {day.year}" in text
    after = [line.strip("-; .") for line in DEFAULT_TEXT["after_session"].splitlines()[2:]]
    before = [line.strip("-; .") for line in DEFAULT_TEXT["before_session"].splitlines()[2:]]
    for point in after + before:
        assert " ".join(point.split()) in text, point
    for reaction in ("pain", "redness", "itching", "sensitivity", "bruises", "swelling"):
        assert reaction in text
    assert "Call the clinic straight away" in text
    assert "Not for you if you are pregnant." in text


def test_the_leaflet_page_prints_the_clinic_and_asks_for_what_is_missing(client, login, hair):
    _, product = hair
    login(make_professional(name="Dr Ada"))
    page = client.get(f"/planner/leaflet/{product.slug}").get_data(as_text=True)
    assert "Dr Ada" in page and "add them there" in page
    assert 'href="/static/css/leaflet.css' in page


def test_the_leaflet_text_is_edited_once_sanitised_and_audited(client, login, csrf_token, hair):
    from shop.audit.models import AuditEvent

    _, product = hair
    admin = make_admin()
    login(admin)
    sections = dict(DEFAULT_TEXT)
    sections["after_session"] = "- no sauna for **two days**\n\n<script>alert(1)</script>"
    sections["csrf_token"] = csrf_token("/admin/leaflet")
    assert client.post("/admin/leaflet", data=sections).status_code == 303
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "leaflet.update"))
    assert event.actor_id == admin.id and event.reason.startswith("after_session:")
    login(make_professional())
    page = client.get(f"/planner/leaflet/{product.slug}").get_data(as_text=True)
    assert "<strong>two days</strong>" in page and "<script>alert" not in page

    login(admin)
    refused = client.post(
        "/admin/leaflet",
        data={**sections, "before_session": "", "csrf_token": csrf_token("/admin/leaflet")},
    )
    assert refused.status_code == 400
    assert "Write the section “Before each session”." in refused.get_data(as_text=True)


def test_the_back_office_edits_a_products_protocol_beside_its_fields(client, login, hair):
    _, product = hair
    login(make_admin())
    page = client.get(f"/admin/products/{product.id}")
    assert page.status_code == 200
    assert 'name="protocol-volume_scalp" type="text" value="5"' in page.get_data(as_text=True)


def test_the_planner_shows_the_cost_with_the_tax_the_service_says(client, login, hair):
    from shop.shipping.addresses import save_address
    from tests.factories import shipping_address
    from tests.taxes import add_rates

    add_rates()
    indication, product = hair
    _lot(product, "LATE", 400, 20)
    pro = make_professional()
    save_address(pro, shipping_address(region="Co. Dublin"), make_default=True)
    login(pro)
    start = today() + timedelta(days=1)
    page = client.get("/planner", query_string=_args(indication, start)).get_data(as_text=True)
    # 3 packs × 150.00 = 450.00 net; Irish VAT 23% on it: 103.50.
    assert "€450.00</strong> excl. VAT" in page
    assert 'data-tax="10350"' in page and "VAT 23%: €103.50" in page and "€553.50" in page
    assert "for Co. Dublin, Ireland" in page
