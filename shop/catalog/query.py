"""The catalogue's query: what the URL of /products and /api/v1/products says.

Shared by the HTML catalogue and the API so both read parameters the same way
and refuse the same bad ones.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Protocol

from shop.catalog.enums import SortOrder
from shop.catalog.errors import CatalogError
from shop.errors import quoted

FILTER_GROUPS = ("ingredient", "indication", "area", "brand")
MAX_VALUES_PER_FILTER = 50
MAX_QUERY_LENGTH = 200
MAX_PAGE = 100_000
# A slug as URLs and the API take it (the same rule as for stored slugs).
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG_LENGTH = 80
# Plain ASCII digits: int() would also take "١٣", "1_0" and " 3 ".
WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")


def is_slug(value: str) -> bool:
    return len(value) <= MAX_SLUG_LENGTH and SLUG.match(value) is not None


class MultiArgs(Protocol):
    def getlist(self, key: str) -> list[str]: ...
    def get(self, key: str, default: str | None = None) -> str | None: ...


@dataclass(frozen=True)
class CatalogQuery:
    """Selected filter values per group (sorted slugs), free text, sort and page."""

    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    q: str = ""
    sort: SortOrder = SortOrder.RELEVANCE
    page: int = 1
    per_page: int = 24

    def selected(self, group: str) -> tuple[str, ...]:
        return self.filters.get(group, ())

    def key(self) -> str:
        """A stable cache key: the same selection in any order gives the same key."""
        parts = [f"{group}={','.join(self.selected(group))}" for group in FILTER_GROUPS]
        return "|".join(
            [*parts, f"q={self.q}", f"sort={self.sort}", f"p={self.page}", f"n={self.per_page}"]
        )

    def with_filters(self, group: str, values: tuple[str, ...]) -> CatalogQuery:
        filters = dict(self.filters)
        filters[group] = tuple(sorted(set(values)))
        return replace(self, filters=filters, page=1)

    def toggled(self, group: str, value: str) -> CatalogQuery:
        current = set(self.selected(group))
        current.symmetric_difference_update({value})
        return self.with_filters(group, tuple(current))

    def without_text(self) -> CatalogQuery:
        return replace(self, q="", page=1)

    def at_page(self, page: int) -> CatalogQuery:
        return replace(self, page=page)

    def to_params(self, *, default_per_page: int) -> list[tuple[str, str]]:
        """URL parameters in a canonical order; defaults are left out."""
        params: list[tuple[str, str]] = []
        if self.q:
            params.append(("q", self.q))
        for group in FILTER_GROUPS:
            params.extend((group, value) for value in self.selected(group))
        if self.sort != SortOrder.RELEVANCE:
            params.append(("sort", str(self.sort)))
        if self.per_page != default_per_page:
            params.append(("per_page", str(self.per_page)))
        if self.page != 1:
            params.append(("page", str(self.page)))
        return params


def _bad(message: str) -> CatalogError:
    return CatalogError(CatalogError.INVALID_PARAMETER, message)


def _parse_int(args: MultiArgs, name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    if not WHOLE_NUMBER.fullmatch(raw):
        raise _bad(f"{name} must be a whole number, got {quoted(raw)}")
    value = int(raw)
    if not low <= value <= high:
        raise _bad(f"{name} must be between {low} and {high}, got {value}")
    return value


def catalog_query_from(args: MultiArgs, config: Mapping) -> CatalogQuery:
    """parse_catalog_query with the page sizes the app is configured with."""
    return parse_catalog_query(
        args,
        default_per_page=config["CATALOG_PER_PAGE"],
        max_per_page=config["CATALOG_MAX_PER_PAGE"],
    )


def parse_catalog_query(
    args: MultiArgs, *, default_per_page: int = 24, max_per_page: int = 100
) -> CatalogQuery:
    """Read and check the parameters; raise CatalogError(invalid_parameter) on a bad one.

    A parameter that is present must be well-formed: an empty or padded value is
    refused like any other, not taken for the default.
    """
    filters: dict[str, tuple[str, ...]] = {}
    for group in FILTER_GROUPS:
        values = args.getlist(group)
        if len(values) > MAX_VALUES_PER_FILTER:
            raise _bad(f"at most {MAX_VALUES_PER_FILTER} values of {group} at once")
        for value in values:
            if not is_slug(value):
                raise _bad(
                    f"{group} takes slugs (lower-case letters, digits, dashes); got {quoted(value)}"
                )
        if values:
            filters[group] = tuple(sorted(set(values)))

    q = " ".join((args.get("q") or "").split())
    if len(q) > MAX_QUERY_LENGTH:
        raise _bad(f"q is limited to {MAX_QUERY_LENGTH} characters")

    raw_sort = args.get("sort", SortOrder.RELEVANCE.value)
    try:
        sort = SortOrder(raw_sort)
    except ValueError:
        choices = ", ".join(order.value for order in SortOrder)
        raise _bad(f"sort must be one of {choices}; got {quoted(raw_sort)}") from None

    page = _parse_int(args, "page", 1, 1, MAX_PAGE)
    per_page = _parse_int(args, "per_page", default_per_page, 1, max_per_page)
    return CatalogQuery(filters=filters, q=q, sort=sort, page=page, per_page=per_page)
