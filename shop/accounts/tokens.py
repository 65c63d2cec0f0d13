"""Signed, expiring links for mail: confirm an e-mail address, reset a password.

The signature proves the shop wrote the link and when; each kind has its own
salt, so a confirmation link can never serve as a reset link. A link works only
once because the payload also names state that its use changes (see services).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from shop.accounts.errors import LinkError
from shop.durations import describe_duration


@dataclass(frozen=True)
class LinkKind:
    salt: str
    max_age_setting: str  # the config key holding how long the link works, in seconds
    purpose: str  # "to confirm an e-mail address", for the messages

    @property
    def max_age(self) -> int:
        return int(current_app.config[self.max_age_setting])

    @property
    def lifetime(self) -> str:
        return describe_duration(self.max_age)


CONFIRM_EMAIL = LinkKind(
    "shop.accounts.confirm-email", "EMAIL_CONFIRMATION_MAX_AGE", "to confirm an e-mail address"
)
RESET_PASSWORD = LinkKind(
    "shop.accounts.reset-password", "PASSWORD_RESET_MAX_AGE", "to choose a new password"
)


def _serializer(kind: LinkKind) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=kind.salt)


def make_token(kind: LinkKind, payload: dict) -> str:
    return _serializer(kind).dumps(payload)


def read_token(kind: LinkKind, token: str) -> dict:
    """The payload of a genuine, unexpired token; LinkError otherwise."""
    try:
        payload = _serializer(kind).loads(token, max_age=kind.max_age)
    except SignatureExpired:
        raise LinkError(
            LinkError.EXPIRED,
            f"This link has expired: links {kind.purpose} work for {kind.lifetime}.",
            status=410,
        ) from None
    except BadSignature:
        raise invalid_link() from None
    if not isinstance(payload, dict):
        raise invalid_link()
    return payload


def invalid_link() -> LinkError:
    return LinkError(
        LinkError.INVALID,
        "This link is not valid: it may have been cut short or changed on the way. "
        "Copy the whole link from the e-mail, or ask for a new one.",
    )


def used_link(explanation: str) -> LinkError:
    return LinkError(LinkError.USED, f"This link was already used: {explanation}", status=410)
