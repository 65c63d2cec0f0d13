from openapi_spec_validator import validate
from openapi_spec_validator.versions import consts

from shop.api.openapi import openapi_document


def test_the_document_is_valid_openapi_3_1(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    validate(document)  # raises on any error
    assert document == openapi_document()


def test_every_api_route_is_documented(app):
    documented = set(openapi_document()["paths"])
    routes = {
        rule.rule.removeprefix("/api/v1").replace("<slug>", "{slug}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    assert routes == documented
    assert consts  # the validator knows 3.1
