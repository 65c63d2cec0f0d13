"""Helpers for pages with forms: post like a browser, read the mail a page queued."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Flask
from sqlalchemy import select

from shop.extensions import db
from shop.mail.models import OutboxMessage
from shop.payments.stripe_client import EXTENSION_KEY
from tests.factories import make_admin


@pytest.fixture
def admin(login):
    """An administrator, Dr Admin, logged in on the test client."""
    user = make_admin(name="Dr Admin")
    login(user)
    return user


@pytest.fixture
def post_form(client, csrf_token):
    """``post_form(path, data, page=..., prefix=...)``: post ``data`` with the CSRF token of
    ``page`` (default: ``path``), named as a form with that prefix names it."""

    def post(path: str, data: dict, *, page: str | None = None, prefix: str = "", on=None):
        target = on or client
        token = csrf_token(page or path, on=target)
        field = f"{prefix}-csrf_token" if prefix else "csrf_token"
        return target.post(path, data={field: token, **data})

    return post


def session_record(client):
    """The session record the client's session cookie names, or None."""
    from shop.accounts.sessions import find_session

    with client.session_transaction() as flask_session:
        return find_session(flask_session.get("_user_id"))


def mail_to(address: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .order_by(OutboxMessage.id)
        )
    )


_LINK = re.compile(r"http://localhost(/\S+)")


def link_in(message: OutboxMessage) -> str:
    """The path of the one link in a queued message."""
    links = _LINK.findall(message.body_text)
    assert len(links) == 1, message.body_text
    return links[0]


def field_errors(html: str, field_id: str) -> list[str]:
    """The error lines rendered under the field with this id (Bootstrap-Flask's markup)."""
    start = html.index(f'id="{field_id}"')
    ends = [i for i in (html.find('class="mb-3', start), html.find("</form>", start)) if i != -1]
    block = html[start : min(ends)]
    return [unescape(line) for line in re.findall(r'class="invalid-feedback[^"]*">([^<]*)<', block)]


@pytest.fixture
def pays_on_local_stripe(app: Flask, local_stripe, monkeypatch):
    """The session's app pays on the local Stripe server for this test."""
    for name, value in local_stripe.app_config.items():
        monkeypatch.setitem(app.config, name, value)
    # The Stripe client is built once per app, with the API base of its first use.
    monkeypatch.delitem(app.extensions, EXTENSION_KEY, raising=False)
    yield local_stripe
    app.extensions.pop(EXTENSION_KEY, None)
