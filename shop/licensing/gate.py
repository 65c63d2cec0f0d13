"""The purchase gate: may this user buy this product now? If not, why, and what next.

One service that every buying path asks: adding to the cart, showing the cart, and
later the checkout. It comes in two halves so that a page of many products costs one
query: ``buyer_standing(user, today)`` reads what the buyer is (one query at most),
``verdict(standing, product)`` answers for one product without a query.
``may_buy(user, product)`` is both in one call.

The current licence follows the licensing rule (``services.current_licence``): the
newest licence that was ever approved (approved, revoked or expired), while it is
still approved and its expiry date has not passed. So an approved renewal
supersedes the licence before it, and revoking the newest approved licence ends
buying even if an older one has not expired. The expiry date itself is still valid:
a licence that expires on 3 March 2027 lets its holder buy until the end of that day
and not from midnight on (the shop's days are UTC days, as for stock lots). The gate
compares dates when it is asked, so a licence stops purchases at that midnight
whether or not the job that marks licences expired has run. Without a current
licence, the newest licence gives the reason: pending, rejected, revoked or expired.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol

from sqlalchemy import (
    and_,
    bindparam,
    case,
    exists,
    or_,
    select,
)

from shop.accounts.models import User
from shop.catalog.enums import Profession
from shop.database import utcnow
from shop.extensions import db
from shop.licensing.enums import GateReason, LicenceStatus
from shop.licensing.models import Licence
from shop.licensing.services import EVER_APPROVED
from shop.templating import format_date


class Sellable(Protocol):
    """What the gate needs of a product: the professions allowed to buy it."""

    @property
    def professions(self) -> Collection[str]: ...


@dataclass(frozen=True)
class NextStep:
    """A link to what the buyer can do about a refusal: ``url_for(endpoint)``, labelled."""

    label: str
    endpoint: str


@dataclass(frozen=True)
class BuyerStanding:
    """What the gate knows of a buyer, whatever the product.

    ``reason`` is ALLOWED when the buyer holds a current licence; what they may buy
    then depends only on their profession.
    """

    reason: GateReason
    user_id: int | None = None
    profession: Profession | None = None
    expires_on: date | None = None  # of the current licence, or of the one that expired
    decision_reason: str = ""  # the reviewer's words on a rejection or a revocation

    @property
    def verified(self) -> bool:
        """A verified professional: logged in, confirmed, with an approved unexpired licence."""
        return self.reason == GateReason.ALLOWED


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: GateReason
    message: str  # for people, with the next step in words
    next_step: NextStep | None = None


ANONYMOUS = BuyerStanding(GateReason.NOT_LOGGED_IN)

# Licence states that speak for themselves when no licence is current.
_STATUS_REASONS = {
    LicenceStatus.PENDING: GateReason.LICENCE_PENDING,
    LicenceStatus.REJECTED: GateReason.LICENCE_REJECTED,
    LicenceStatus.REVOKED: GateReason.LICENCE_REVOKED,
    LicenceStatus.EXPIRED: GateReason.LICENCE_EXPIRED,
}


# The licence that decides a standing: the current one if there is one, else the
# newest; parameters ``user_id`` and ``today``.
_licences = Licence.__table__
_newer = _licences.alias("newer")
_is_current = and_(
    _licences.c.status == LicenceStatus.APPROVED.value,
    _licences.c.expires_on >= bindparam("today"),
    # ...and no licence of the same holder was approved after it (EVER_APPROVED).
    ~exists().where(
        _newer.c.user_id == _licences.c.user_id,
        _newer.c.status.in_([status.value for status in EVER_APPROVED]),
        or_(
            _newer.c.submitted_at > _licences.c.submitted_at,
            and_(_newer.c.submitted_at == _licences.c.submitted_at, _newer.c.id > _licences.c.id),
        ),
    ),
)
_DECIDING_FIRST = (
    case((_is_current, 0), else_=1),
    _licences.c.submitted_at.desc(),
    _licences.c.id.desc(),
)
STANDING_LICENCE = (
    select(_licences.c.status, _licences.c.profession, _licences.c.expires_on, _licences.c.reason)
    .where(_licences.c.user_id == bindparam("user_id"))
    .order_by(*_DECIDING_FIRST)
    .limit(1)
)


def standing_without_licence(user: User | None) -> BuyerStanding | None:
    """The standing when the account alone decides it (no query needed), else None."""
    # Not is_authenticated: Flask-Login's UserMixin says False for a disabled user too.
    if user is None or user.is_anonymous:
        return ANONYMOUS
    if not user.is_enabled:
        return BuyerStanding(GateReason.ACCOUNT_DISABLED, user.id)
    if not user.email_confirmed:
        return BuyerStanding(GateReason.EMAIL_NOT_CONFIRMED, user.id)
    return None


def standing_from_licence(user: User, licence, today: date) -> BuyerStanding:
    """The standing a row of STANDING_LICENCE gives (None, or a row of NULLs: no licence)."""
    if licence is None or licence.status is None:
        return BuyerStanding(GateReason.NO_LICENCE, user.id)
    status = LicenceStatus(licence.status)
    if status == LicenceStatus.APPROVED:
        # The statement puts the current licence first, so an approved row here is current
        # unless its date has passed: expired now, whether or not the job has run.
        reason = GateReason.ALLOWED if licence.expires_on >= today else GateReason.LICENCE_EXPIRED
    else:
        reason = _STATUS_REASONS[status]
    return BuyerStanding(
        reason,
        user.id,
        profession=Profession(licence.profession),
        expires_on=licence.expires_on,
        decision_reason=licence.reason or "",
    )


def buyer_standing(user: User | None, today: date) -> BuyerStanding:
    """The buyer's standing on ``today``: one query for a confirmed user, none otherwise."""
    standing = standing_without_licence(user)
    if standing is not None:
        return standing
    licence = db.session.execute(STANDING_LICENCE, {"user_id": user.id, "today": today}).first()
    return standing_from_licence(user, licence, today)


def _plural(profession: str) -> str:
    # Every profession's label takes a plain -s: physicians, plastic surgeons, nurses.
    return Profession(profession).label.lower() + "s"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _with_reason(opening: str, reason: str) -> str:
    reason = reason.strip().rstrip(".")
    return f"{opening}: {reason}." if reason else f"{opening}."


LICENCE_PAGE = "licensing.licence"


def _refusal(standing: BuyerStanding) -> Verdict:
    reason = standing.reason
    if reason == GateReason.NOT_LOGGED_IN:
        message = "Log in to order: ordering is for verified professionals."
        step = NextStep("Log in", "accounts.login")
    elif reason == GateReason.ACCOUNT_DISABLED:
        message = "Your account is disabled, so it cannot order. Write to us to reopen it."
        step = None
    elif reason == GateReason.EMAIL_NOT_CONFIRMED:
        message = "Confirm your e-mail to order: open the link we sent you."
        step = NextStep("Confirm your e-mail", "accounts.account")
    elif reason == GateReason.NO_LICENCE:
        message = "Submit your licence: ordering opens once our team has verified it."
        step = NextStep("Submit your licence", LICENCE_PAGE)
    elif reason == GateReason.LICENCE_PENDING:
        message = "Your licence is waiting for review: ordering opens once our team approves it."
        step = NextStep("See your licence", LICENCE_PAGE)
    elif reason == GateReason.LICENCE_REJECTED:
        message = _with_reason("Your licence was rejected", standing.decision_reason)
        message += " Submit a new one to order."
        step = NextStep("Submit a new licence", LICENCE_PAGE)
    elif reason == GateReason.LICENCE_EXPIRED:
        expired = format_date(standing.expires_on) if standing.expires_on else "its expiry date"
        message = f"Your licence expired on {expired}: upload the renewal."
        step = NextStep("Upload the renewal", LICENCE_PAGE)
    elif reason == GateReason.LICENCE_REVOKED:
        message = _with_reason("Your licence was revoked", standing.decision_reason)
        message += " Write to us if you think this is a mistake."
        step = NextStep("See your licence", LICENCE_PAGE)
    else:
        raise ValueError(f"{reason} is not a refusal of the buyer")
    return Verdict(False, reason, message, step)


ALLOWED = Verdict(True, GateReason.ALLOWED, GateReason.ALLOWED.label + ".")


def buyer_verdict(standing: BuyerStanding) -> Verdict:
    """The gate's answer as far as the buyer goes, before any product: for the cart's banner."""
    return ALLOWED if standing.verified else _refusal(standing)


def verdict(standing: BuyerStanding, product: Sellable) -> Verdict:
    """May this buyer buy this product? No query: the standing holds what the buyer is."""
    if not standing.verified:
        return _refusal(standing)
    if standing.profession in product.professions:
        return ALLOWED
    return _not_for(standing.profession, tuple(product.professions))


@functools.lru_cache(maxsize=256)
def _not_for(profession: Profession, professions: tuple[str, ...]) -> Verdict:
    # Cached: a listing asks it for every card a professional may not buy.
    allowed = [p for p in Profession if p in professions]
    buyers = _and([_plural(p) for p in allowed]) if allowed else "no profession at the moment"
    return Verdict(
        False,
        GateReason.PROFESSION_NOT_ALLOWED,
        f"Not sold to {_plural(profession)}: this product is for {buyers}.",
    )


def today_at(now: datetime | None = None) -> date:
    """The shop's day (UTC) at ``now``, or now."""
    return (now or utcnow()).astimezone(UTC).date()


def may_buy(user: User | None, product: Sellable, now: datetime | None = None) -> Verdict:
    """The gate in one call: the buyer's standing at ``now`` (default: now) and the verdict."""
    return verdict(buyer_standing(user, today_at(now)), product)


def sees_prices(standing: BuyerStanding, prices_visible_to: str) -> bool:
    """PRICES_VISIBLE_TO: everyone sees prices and stock, or only verified professionals do."""
    return prices_visible_to == "everyone" or standing.verified
