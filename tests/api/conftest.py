from __future__ import annotations

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse

from shop.api.openapi import openapi_document


@pytest.fixture(scope="session")
def openapi() -> OpenAPI:
    return OpenAPI.from_dict(openapi_document())


@pytest.fixture
def api(client, openapi):
    """GET a URL and hold the request and the response against the OpenAPI document."""

    def get(url: str, *, status: int = 200):
        response = client.get(url)
        assert response.status_code == status, (
            response.status_code,
            response.get_data(as_text=True),
        )
        assert response.mimetype == "application/json"
        openapi.validate_response(
            WerkzeugOpenAPIRequest(response.request), WerkzeugOpenAPIResponse(response)
        )
        return response.get_json()

    return get
