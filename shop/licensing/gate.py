"""The purchase gate: may this user buy this product now? If not, why, and what next.

One service that every buying path asks: adding to the cart, showing the cart, the
checkout and the payment. It comes in two halves so that a page of many products costs one
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

At checkout and at payment the verdict includes where the order goes
(``checkout_verdict``): professional products ship only into the jurisdiction of the
buyer's current licence, its country and, where licences are issued by region (US
states, Canadian provinces, Australian states), its region; never to a P.O. box in
the US or Canada. ``LICENCE_SHIPPING_AREA = "eu"`` widens this for licences issued in
the EU to the whole EU.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol

from flask import current_app
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
from shop.licensing.countries import country_name
from shop.licensing.enums import GateReason, LicenceStatus
from shop.licensing.models import Licence
from shop.licensing.regions import (
    EU_COUNTRIES,
    NO_PO_BOX_COUNTRIES,
    REGIONAL_LICENCE_COUNTRIES,
    is_po_box,
    region_code,
    region_name,
)
from shop.licensing.services import EVER_APPROVED, current_licence
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
    country: str | None = None  # of that licence: what the tax on prices is called there

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
    select(
        _licences.c.status,
        _licences.c.profession,
        _licences.c.expires_on,
        _licences.c.reason,
        _licences.c.country,
    )
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
        country=licence.country,
    )


def buyer_standing(user: User | None, today: date) -> BuyerStanding:
    """The buyer's standing on ``today``: one query for a confirmed user, none otherwise."""
    standing = standing_without_licence(user)
    if standing is not None:
        return standing
    licence = db.session.execute(STANDING_LICENCE, {"user_id": user.id, "today": today}).first()
    return standing_from_licence(user, licence, today)


def standing_and_licence(user: User, today: date) -> tuple[BuyerStanding, Licence | None]:
    """The buyer's standing and their current licence, which checkout and payment need
    both of: one query when the licence is current (the usual case), two otherwise."""
    standing = standing_without_licence(user)
    if standing is not None:
        return standing, None
    licence = current_licence(user, today=today)
    if licence is not None:
        return standing_from_licence(user, licence, today), licence
    return buyer_standing(user, today), None


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


@dataclass(frozen=True)
class Destination:
    """Where an order goes, as far as the gate asks: ISO country, the region as
    addresses store it, and whether the address is a P.O. box."""

    country: str
    region: str = ""
    po_box: bool = False

    @classmethod
    def of(cls, country: str, region: str, *street_lines: str) -> Destination:
        """The destination of an address, judging from its street lines whether it is a
        P.O. box."""
        return cls(country, region, is_po_box(*street_lines))


ADDRESSES_PAGE = "shipping.addresses"


def _place(country: str, region: str) -> str:
    """A place for people: "California, United States", "Ireland"."""
    name = country_name(country)
    return f"{region_name(country, region)}, {name}" if region else name


def _licence_area(licence: Licence) -> tuple[str, str | None]:
    """What the licence covers, for people, and the region code it is bound to (None:
    the whole country; "" where its region is regional but cannot be read)."""
    if current_app.config["LICENCE_SHIPPING_AREA"] == "eu" and licence.country in EU_COUNTRIES:
        return "the European Union", None
    if licence.country not in REGIONAL_LICENCE_COUNTRIES:
        return country_name(licence.country), None
    region = region_code(licence.country, licence.region or "") or ""
    return (_place(licence.country, region) if region else country_name(licence.country)), region


def _covers(licence: Licence, region: str | None, destination: Destination) -> bool:
    if destination.country != licence.country:
        # Only the switch widens a licence beyond its country: an EU one to the EU.
        return (
            current_app.config["LICENCE_SHIPPING_AREA"] == "eu"
            and licence.country in EU_COUNTRIES
            and destination.country in EU_COUNTRIES
        )
    return region is None or (bool(region) and destination.region == region)


def destination_verdict(licence: Licence, destination: Destination) -> Verdict:
    """May an order under this (current) licence go there? If not, why, and what next."""
    step = NextStep("Choose another address", ADDRESSES_PAGE)
    if destination.po_box and destination.country in NO_PO_BOX_COUNTRIES:
        return Verdict(
            False,
            GateReason.PO_BOX,
            "Professional products are not sent to a P.O. box: "
            "choose your clinic's street address.",
            step,
        )
    area, region = _licence_area(licence)
    if _covers(licence, region, destination):
        return ALLOWED
    where = _place(destination.country, destination.region)
    if region == "":
        message = (
            f"Your licence {licence.licence_number} does not say which region of "
            f"{country_name(licence.country)} issued it, so we cannot ship to {where} "
            "under it. Write to us to have it corrected."
        )
    else:
        message = (
            f"Your licence {licence.licence_number} covers orders shipped within {area}, "
            f"and this address is in {where}. Choose a clinic address in {area}, or submit "
            f"a licence issued for {where}."
        )
    return Verdict(False, GateReason.OUTSIDE_JURISDICTION, message, step)


def checkout_verdict(
    verdicts: Iterable[Verdict], licence: Licence | None, destination: Destination
) -> Verdict:
    """May this buyer buy these products, shipped there, now? ``verdicts``: the gate's
    ``verdict`` for each product; ``licence``: the buyer's current one. The first
    refusal, or ALLOWED."""
    for answer in verdicts:
        if not answer.allowed:
            return answer
    if licence is None:  # an allowed verdict comes only with a current licence
        return _refusal(BuyerStanding(GateReason.NO_LICENCE))
    # Every product is sold only to licensed professionals, so the licence's
    # jurisdiction decides for all of them at once.
    return destination_verdict(licence, destination)


def today_at(now: datetime | None = None) -> date:
    """The shop's day (UTC) at ``now``, or now."""
    return (now or utcnow()).astimezone(UTC).date()


def may_buy(user: User | None, product: Sellable, now: datetime | None = None) -> Verdict:
    """The gate in one call: the buyer's standing at ``now`` (default: now) and the verdict."""
    return verdict(buyer_standing(user, today_at(now)), product)


def sees_prices(standing: BuyerStanding, prices_visible_to: str) -> bool:
    """PRICES_VISIBLE_TO: everyone sees prices and stock, or only verified professionals do."""
    return prices_visible_to == "everyone" or standing.verified
