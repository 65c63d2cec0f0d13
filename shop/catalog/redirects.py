"""Old slugs that keep working: a renamed or merged term's old slug points at its new one.

The table is read only when a slug names nothing (a 404 in the making), so it costs
the pages that exist nothing. Redirects are kept flat: every old slug points straight
at a slug that exists, so one lookup answers and no chain or loop can form.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select, update

from shop.catalog.enums import SlugKind
from shop.catalog.models import SlugRedirect
from shop.catalog.query import is_slug
from shop.extensions import db


def add_slug_redirect(kind: SlugKind, old_slug: str, new_slug: str) -> None:
    """From now on ``old_slug`` of this kind leads to ``new_slug`` (flushes)."""
    if old_slug == new_slug:
        return
    # The new slug names something again: it must not redirect anywhere any more.
    db.session.execute(
        delete(SlugRedirect).where(SlugRedirect.kind == kind, SlugRedirect.old_slug == new_slug)
    )
    # Whatever led to the old slug now leads straight to the new one.
    db.session.execute(
        update(SlugRedirect)
        .where(SlugRedirect.kind == kind, SlugRedirect.new_slug == old_slug)
        .values(new_slug=new_slug)
    )
    existing = db.session.scalar(
        select(SlugRedirect).where(SlugRedirect.kind == kind, SlugRedirect.old_slug == old_slug)
    )
    if existing is None:
        db.session.add(SlugRedirect(kind=kind, old_slug=old_slug, new_slug=new_slug))
    else:
        existing.new_slug = new_slug
    db.session.flush()


def forget_slug_redirect(kind: SlugKind, slug: str) -> None:
    """A slug taken by a new term names it now, not the term it once redirected to."""
    db.session.execute(
        delete(SlugRedirect).where(SlugRedirect.kind == kind, SlugRedirect.old_slug == slug)
    )


def find_slug_redirect(kind: SlugKind, slug: str) -> str | None:
    """The slug that ``slug`` became, or None."""
    if not is_slug(slug):
        return None
    return db.session.scalar(
        select(SlugRedirect.new_slug).where(
            SlugRedirect.kind == kind, SlugRedirect.old_slug == slug
        )
    )


def find_slug_redirects(kind: SlugKind, slugs: Iterable[str]) -> dict[str, str]:
    """{old slug: new slug} for those of ``slugs`` that were renamed or merged."""
    wanted = [slug for slug in slugs if is_slug(slug)]
    if not wanted:
        return {}
    rows = db.session.execute(
        select(SlugRedirect.old_slug, SlugRedirect.new_slug).where(
            SlugRedirect.kind == kind, SlugRedirect.old_slug.in_(wanted)
        )
    ).all()
    return dict(rows)
