"""The professional submits a licence: the form, the upload's checks, the history, the download."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shop.accounts.sessions import Client, start_session
from shop.database import utcnow
from shop.extensions import db
from shop.licensing.enums import LicenceStatus
from shop.licensing.models import Licence, LicenceDocument
from tests.conftest import make_app
from tests.dbs import create_sqlite_file
from tests.factories import PDF_BYTES, make_admin, make_licence, make_user

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
GIF_BYTES = b"GIF89a" + b"\x00" * 64


def counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Licence)),
        db.session.scalar(select(func.count()).select_from(LicenceDocument)),
    )


@pytest.fixture
def submit(client, login, csrf_token):
    """``submit(user, content=..., filename=..., **fields)`` posts the form as that user."""

    def post(user, *, content=PDF_BYTES, filename="licence.pdf", **fields):
        login(user)
        data = {
            "csrf_token": csrf_token("/licence/new"),
            "profession": "physician",
            "licence_number": "IMC-445566",
            "country": "IE",
            "region": "Leinster",
            "expires_on": (utcnow().date() + timedelta(days=400)).isoformat(),
            "npi": "",
            **fields,
        }
        if content is not None:
            data["document"] = (io.BytesIO(content), filename)
        return client.post("/licence/new", data=data, content_type="multipart/form-data")

    return post


def page_text(response) -> str:
    return response.get_data(as_text=True)


def test_a_pdf_submission_is_kept_pending_with_its_sha256(submit):
    user = make_user()
    response = submit(user)
    assert response.status_code == 302 and response.location.endswith("/licence")
    licence = db.session.scalar(select(Licence).where(Licence.user_id == user.id))
    assert licence.status == LicenceStatus.PENDING
    assert (licence.licence_number, licence.country, licence.region) == (
        "IMC-445566",
        "IE",
        "Leinster",
    )
    assert licence.npi is None
    document = licence.document
    assert document.content_type == "application/pdf"
    assert document.data == PDF_BYTES and document.size_bytes == len(PDF_BYTES)
    assert document.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()


@pytest.mark.parametrize(
    ("content", "filename", "content_type"),
    [(PNG_BYTES, "scan.png", "image/png"), (JPEG_BYTES, "photo.JPEG", "image/jpeg")],
)
def test_images_are_accepted_by_their_content(submit, content, filename, content_type):
    user = make_user()
    assert submit(user, content=content, filename=filename).status_code == 302
    licence = db.session.scalar(select(Licence).where(Licence.user_id == user.id))
    assert licence.document.content_type == content_type


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "licence.pdf", "The file is empty"),
        (PNG_BYTES, "licence.pdf", "named as a PDF, but its content is a PNG image"),
        (
            b"just some text, not a scan",
            "licence.pdf",
            "named as a PDF, but its content is not a PDF",
        ),
        (
            GIF_BYTES,
            "licence.gif",
            "Only PDF, JPEG or PNG files are accepted, and this file is a GIF file",
        ),
        (b"MZ\x90\x00 an executable", "licence", "Only PDF, JPEG or PNG files are accepted"),
        (PDF_BYTES, "licence.png", "named as a PNG image, but its content is a PDF"),
    ],
)
def test_each_refused_upload_says_why_and_keeps_nothing(submit, content, filename, message):
    user = make_user()
    before = counts()
    response = submit(user, content=content, filename=filename)
    assert response.status_code == 400
    assert message in page_text(response)
    assert counts() == before


def test_the_upload_limit_is_configured_and_the_body_limit_follows_it():
    from shop.licensing.documents import read_licence_upload
    from shop.licensing.errors import DocumentError
    from shop.media.images import MAX_BYTES as PRODUCT_IMAGE_MAX_BYTES

    # The body limit leaves room for the largest upload the shop takes: a licence
    # document or a product picture, whichever may be larger.
    app = make_app("sqlite://", LICENCE_MAX_BYTES=1024)
    assert app.config["MAX_CONTENT_LENGTH"] == PRODUCT_IMAGE_MAX_BYTES + 512 * 1024
    larger = 3 * PRODUCT_IMAGE_MAX_BYTES
    app = make_app("sqlite://", LICENCE_MAX_BYTES=larger)
    assert app.config["MAX_CONTENT_LENGTH"] == larger + 512 * 1024
    with pytest.raises(DocumentError) as refused:
        read_licence_upload(io.BytesIO(PDF_BYTES + b"0" * 2000), "big.pdf", max_bytes=1024)
    assert refused.value.code == DocumentError.TOO_LARGE
    assert "larger than 1 KB" in refused.value.message


def test_a_file_just_over_ten_megabytes_gets_the_form_back_with_the_reason(submit, app):
    user = make_user()
    before = counts()
    big = PDF_BYTES + b"0" * (app.config["LICENCE_MAX_BYTES"] - len(PDF_BYTES) + 1)
    response = submit(user, content=big)
    assert response.status_code == 400
    assert "The file is larger than 10 MB, the most we accept" in page_text(response)
    assert counts() == before


def test_a_huge_body_is_cut_off_with_a_413_page(submit, app):
    user = make_user()
    before = counts()
    huge = PDF_BYTES + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = submit(user, content=huge)
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    text = page_text(response)
    assert (
        "The file is too large" in text and "at most 10 MB" in text and "Nothing was saved" in text
    )
    assert counts() == before


def test_a_missing_file_is_asked_for(submit):
    response = submit(make_user(), content=None)
    assert response.status_code == 400
    assert "Choose the scan of your licence." in page_text(response)


def test_a_file_name_with_dot_dot_slash_is_stored_harmlessly(submit, client):
    user = make_user()
    assert submit(user, filename="../../../etc/passwd.pdf").status_code == 302
    licence = db.session.scalar(select(Licence).where(Licence.user_id == user.id))
    assert licence.document.filename == "passwd.pdf"
    download = client.get(f"/licence/{licence.id}/document")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == "attachment; filename=passwd.pdf"


def test_the_expiry_date_must_be_in_the_future(submit):
    today = utcnow().date().isoformat()
    response = submit(make_user(), expires_on=today)
    assert response.status_code == 400
    assert "The expiry date must be in the future" in page_text(response)
    assert counts() == (0, 0)


@pytest.mark.parametrize(
    ("country", "npi", "message"),
    [
        ("US", "", "needs your NPI"),
        ("US", "1234567890", "This NPI is not valid: its check digit does not match"),
        ("US", "3234567893", "An NPI starts with 1 or 2"),
        ("US", "12345", "An NPI has exactly 10 digits"),
        ("IE", "1234567893", "An NPI is only for licences issued in the United States"),
    ],
)
def test_the_npi_is_required_checked_or_refused_by_country(submit, country, npi, message):
    response = submit(make_user(), country=country, npi=npi, region="California")
    assert response.status_code == 400
    assert message in page_text(response)
    assert counts() == (0, 0)


def test_a_us_licence_with_a_valid_npi_is_accepted(submit):
    user = make_user()
    assert submit(user, country="US", region="California", npi="1234567893").status_code == 302
    licence = db.session.scalar(select(Licence).where(Licence.user_id == user.id))
    assert (licence.country, licence.npi) == ("US", "1234567893")


def test_the_country_must_be_an_iso_code(submit):
    response = submit(make_user(), country="EU")
    assert response.status_code == 400
    assert counts() == (0, 0)


def test_the_country_select_lists_iso_countries_by_name(client, login):
    login(make_user())
    text = page_text(client.get("/licence/new"))
    assert '<option value="IE">Ireland</option>' in text
    assert '<option value="US">United States</option>' in text
    assert 'value="EU"' not in text and 'value="001"' not in text


def test_an_unconfirmed_user_is_told_to_confirm_first(client, login, submit):
    user = make_user(confirmed=False)
    login(user)
    page = client.get("/licence/new")
    assert "Confirm your e-mail address first" in page_text(page)
    assert 'type="file"' not in page_text(page)
    response = submit(user)
    assert response.status_code == 403
    assert counts() == (0, 0)


def test_anonymous_visitors_are_sent_to_log_in(client):
    for path in ("/licence", "/licence/new", "/licence/1/document"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.location


def test_one_submission_may_be_pending_at_a_time(submit, client):
    user = make_user()
    assert submit(user).status_code == 302
    second = submit(user, licence_number="SECOND")
    assert second.status_code == 302
    follow = client.get(second.location)
    assert "You already have a licence waiting for review" in page_text(follow)
    assert counts() == (1, 1)
    # The form itself says so instead of offering a second upload.
    assert "is waiting for review" in page_text(client.get("/licence/new"))


def test_the_database_refuses_a_second_pending_licence_even_past_the_check(app):
    """The race: the service's check passed in both requests; the index decides."""
    from shop.licensing import services
    from shop.licensing.documents import read_licence_upload
    from shop.licensing.errors import LicenceError

    user = make_user()
    make_licence(user, status=LicenceStatus.PENDING)
    document = read_licence_upload(io.BytesIO(PDF_BYTES), "l.pdf", max_bytes=10_000)
    original = services.find_pending_licence
    calls = iter([None])  # the first look finds nothing, as in a race; later looks are real
    services.find_pending_licence = lambda u: next(calls, None) or original(u)
    try:
        with pytest.raises(LicenceError) as refused:
            services.submit_licence(
                user,
                profession="physician",
                licence_number="RACE",
                country="IE",
                region="",
                expires_on=utcnow().date() + timedelta(days=30),
                npi=None,
                document=document,
                today=utcnow().date(),
            )
    finally:
        services.find_pending_licence = original
    assert refused.value.code == LicenceError.ALREADY_PENDING
    assert counts() == (1, 1)  # the losing licence and its document are both gone


def test_after_a_rejection_a_new_submission_is_taken_and_the_history_stays(submit, client):
    user = make_user()
    rejected = make_licence(user, status=LicenceStatus.REJECTED)
    rejected.reason = "The scan is unreadable."
    assert submit(user, licence_number="RENEWED-1").status_code == 302
    page = page_text(client.get("/licence"))
    assert "RENEWED-1" in page and rejected.licence_number in page
    assert "The scan is unreadable." in page
    assert db.session.get(Licence, rejected.id).status == LicenceStatus.REJECTED


def test_a_renewal_before_expiry_keeps_the_approved_licence_in_force(submit, client):
    user = make_user()
    approved = make_licence(user, expires_in_days=20)
    assert submit(user, licence_number="RENEWAL").status_code == 302
    page = page_text(client.get("/licence"))
    assert f"Your licence {approved.licence_number}" in page and "you may order" in page
    assert "Your renewal, submitted on" in page


def test_the_owner_downloads_the_document_as_a_private_attachment(client, login):
    user = make_user()
    licence = make_licence(user)
    login(user)
    response = client.get(f"/licence/{licence.id}/document")
    assert response.status_code == 200
    assert response.data == PDF_BYTES
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_another_users_document_is_a_404(client, login):
    owner = make_user()
    licence = make_licence(owner)
    login(make_user())
    assert client.get(f"/licence/{licence.id}/document").status_code == 404
    assert client.get("/licence/999999/document").status_code == 404


def test_an_administrator_downloads_any_document(client, login):
    licence = make_licence(make_user())
    login(make_admin())
    response = client.get(f"/licence/{licence.id}/document")
    assert response.status_code == 200 and response.data == PDF_BYTES


def test_uploads_are_rate_limited_per_user(tmp_path):
    from flask_migrate import upgrade

    app = make_app(
        create_sqlite_file(tmp_path / "limit.sqlite3"),
        RATELIMIT_ENABLED=True,
        LICENCE_UPLOAD_RATE_LIMIT="2 per hour",
        WTF_CSRF_ENABLED=False,
    )
    with app.app_context():
        upgrade()
        user = make_user(confirmed=False)  # refused by the service: the limit still counts
        key = start_session(user, client=Client(), remember=False, now=utcnow()).key
        db.session.commit()
    client = app.test_client()
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = key
    statuses = [client.post("/licence/new", data={}).status_code for _ in range(3)]
    assert statuses == [403, 403, 429]
    assert client.get("/licence/new").status_code == 200  # reading the form is not limited


def test_the_account_page_section_shows_the_status_history_and_next_step(app):
    from flask import render_template_string

    user = make_user()
    rejected = make_licence(user, status=LicenceStatus.REJECTED)
    rejected.reason = "The photo is cut off."
    # As the account page includes it: only ``user`` in the context.
    page = '<h1>Account</h1>{% include "licensing/account_section.html" ignore missing %}'
    with app.test_request_context():
        html = render_template_string(page, user=user)
        newcomer = render_template_string(page, user=make_user())
    assert '<h2 class="h5" id="account-licence">Your licence</h2>' in html
    assert "We could not accept your licence: The photo is cut off." in html
    assert rejected.licence_number in html and 'href="/licence/new">Submit a new licence<' in html
    assert "You have not submitted a licence yet." in newcomer
    assert 'href="/licence/new">Submit your licence<' in newcomer
