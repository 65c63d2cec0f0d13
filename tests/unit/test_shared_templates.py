"""Fragments cached for every visitor are rendered where no visitor can be reached."""

from __future__ import annotations

import pytest
from jinja2 import UndefinedError

from shop.templating import shared_environment


@pytest.mark.parametrize(
    "source",
    [
        "{{ current_user.name }}",
        "{{ csrf_token() }}",
        "{{ session.get('csrf_token') }}",
        "{{ request.path }}",
        "{{ g.buyer_standing }}",
        "{{ get_flashed_messages() }}",
        "{{ cart_count }}",
    ],
)
def test_a_shared_fragment_that_reaches_for_the_visitor_fails_instead_of_leaking(app, source):
    with app.test_request_context("/products"), pytest.raises(UndefinedError):
        shared_environment(app).from_string(source).render()


def test_a_shared_fragment_may_build_urls_and_name_the_shop(app):
    with app.test_request_context("/"):
        html = (
            shared_environment(app)
            .from_string("<a href=\"{{ url_for('storefront.product_list') }}\">{{ shop_name }}</a>")
            .render()
        )
    assert html == '<a href="/products">MesoPro</a>'


def test_the_shared_environment_keeps_its_own_templates(app):
    with app.test_request_context("/"):
        shared = shared_environment(app).get_template("storefront/shared/card.html")
        page = app.jinja_env.get_template("storefront/shared/card.html")
    assert shared is not page
    assert "csrf_token" not in shared.globals and "csrf_token" in page.globals
