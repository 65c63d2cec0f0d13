import pytest
from werkzeug.datastructures import MultiDict

from shop.catalog.enums import SortOrder
from shop.catalog.errors import CatalogError
from shop.catalog.query import CatalogQuery, parse_catalog_query


def parse(**kw):
    return parse_catalog_query(MultiDict(kw), default_per_page=24, max_per_page=100)


def test_defaults():
    query = parse()
    assert query == CatalogQuery()
    assert query.sort is SortOrder.RELEVANCE and query.page == 1 and query.per_page == 24


def test_repeated_values_are_deduplicated_and_sorted_so_equal_selections_share_a_key():
    a = parse_catalog_query(
        MultiDict([("ingredient", "b"), ("ingredient", "a"), ("ingredient", "b")])
    )
    b = parse_catalog_query(MultiDict([("ingredient", "a"), ("ingredient", "b")]))
    assert a.selected("ingredient") == ("a", "b")
    assert a.key() == b.key()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"sort": "cheapest"}, "sort must be one of relevance, name, price, -price, newest"),
        ({"page": "0"}, "page must be between 1 and"),
        ({"page": "two"}, "page must be a whole number"),
        ({"per_page": "101"}, "per_page must be between 1 and 100"),
        ({"per_page": "0"}, "per_page must be between 1 and 100"),
        ({"ingredient": "Vitamin C"}, "ingredient takes slugs"),
        ({"q": "x" * 201}, "q is limited to 200 characters"),
        # Present means well-formed: empty or padded values are not read as the default.
        ({"page": ""}, "page must be a whole number"),
        ({"per_page": " 24"}, "per_page must be a whole number"),
        ({"sort": ""}, "sort must be one of"),
        ({"area": ""}, "area takes slugs"),
        ({"ingredient": " biotin "}, "ingredient takes slugs"),
    ],
)
def test_bad_parameters_are_refused_with_a_reason(args, message):
    with pytest.raises(CatalogError) as info:
        parse(**args)
    assert info.value.code == "invalid_parameter"
    assert message in info.value.message


def test_toggling_adds_and_removes_a_value_and_returns_to_page_one():
    query = parse(ingredient="biotin", page="3")
    assert query.toggled("ingredient", "zinc").selected("ingredient") == ("biotin", "zinc")
    assert query.toggled("ingredient", "biotin").selected("ingredient") == ()
    assert query.toggled("ingredient", "zinc").page == 1


def test_url_parameters_are_canonical_and_leave_out_defaults():
    query = parse(brand="b", ingredient="z", q="hair", sort="price", page="2")
    assert query.to_params(default_per_page=24) == [
        ("q", "hair"),
        ("ingredient", "z"),
        ("brand", "b"),
        ("sort", "price"),
        ("page", "2"),
    ]
